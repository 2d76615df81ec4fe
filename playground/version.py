"""The playground's version: the package's, and the creator's in every HAR export."""

VERSION = "0.2.0"
