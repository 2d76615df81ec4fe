// The page for making a class: once made, its two links each get a copy button.
import { enableCopyButtons } from "../components/copy-button.js";

enableCopyButtons();
