# mk/help.awk — renders `make help` from the makefiles themselves:
#   ##@ Section          starts a section
#   target: deps ## Text  describes a target
# With -v section=NAME only the sections whose title starts with NAME
# (case-insensitive) are shown.
BEGIN {
    FS = ":.*## "
    shown = 0
    want = tolower(section)
}
/^##@ / {
    title = substr($0, 5)
    active = (want == "" || index(tolower(title), want) == 1)
    if (active) { printf "\n%s%s%s\n", bold, title, reset; shown = 1 }
    next
}
/^[a-zA-Z0-9_.%\/-]+:.*## / {
    if (active) printf "  %s%-24s%s %s\n", cyan, $1, reset, $2
}
END {
    if (want == "") {
        print "\nUsage: make <target> [VAR=value ...]   e.g. make up, make test, make sonic-health"
    } else if (!shown) {
        printf "no help section named '%s'\n", section > "/dev/stderr"
        exit 1
    }
}
