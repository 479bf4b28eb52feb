"""Component ids of the explorer, named once."""

SEARCH = "search"
CANVAS = "cy"
DETAILS = "details"
NOTICE = "notice"
BANNER = "banner"
