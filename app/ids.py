"""Component ids shared between panels, named once. A panel's own ids live in its module."""

# the shell
URL = "url"
BANNER = "banner"
NOTICE = "notice"
TABS = "tabs"
HEALTH = "health-interval"

# the canvas and what drives it
CANVAS = "cy"
VIEW_CHANGE = "view-change"        # a panel writes a view change here (see app.view)
UNDO = "undo"
REDO = "redo"
CLEAR = "clear"
FIT = "fit"
LAYOUT = "layout"
SHOW_LABELS = "show-labels"
HISTORY_STATE = "history-state"    # "undo n · redo m", kept by the browser
EXPORT_PNG = "export-png"
EXPORT_SVG = "export-svg"

# explore
SEARCH = "search"
DETAILS = "entity-details"
SELECTED = "selected"              # the entity the details panel shows (id)
EXPAND_REQUEST = "expand-request"  # {"id", "t"}: a double-click asked to expand this entity
EXPAND_TYPE = "expand-type"
EXPAND = "expand"
HIDE = "hide"
PIN = "pin"
KEEP_SELECTED = "keep-selected"

# handed between panels: the path panel reads these, the canvas menu and details panel set them
PATH_START = "path-start-id"
PATH_END = "path-end-id"

# the timeline: phases of the data shown ([{"phase", "start", "end"}]); whoever knows them writes them
PHASES = "phases"
