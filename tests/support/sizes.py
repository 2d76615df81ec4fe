"""The sizes every page is looked at (layout tests, screenshots): width, height, projector view."""

SIZES = {
    "phone": (390, 844, False),
    "laptop": (1280, 800, False),
    "projector": (1280, 720, True),
    "projector-wide": (1920, 1080, True),
}
