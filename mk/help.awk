# mk/help.awk — renders `make help` from the makefiles themselves:
#   ##@ Section          starts a section
#   target: deps ## Text  describes a target
#   ##% name: ## Text     a per-service target <codename>-name (mk/services.mk; % = codename)
#   ##@@ services        here, a section per service (-v svcs: codename US description US folder RS ...)
# With -v section=NAME only the sections whose title starts with NAME
# (case-insensitive) are shown; a service's section when NAME is its codename (flash, not
# flash2).
BEGIN {
    FS = ":.*## "
    shown = 0
    want = tolower(section)
}
/^##% / {
    line = substr($0, 5)
    nt++
    tname[nt] = substr(line, 1, index(line, ":") - 1)
    ttext[nt] = line
    sub(/^[^#]*## /, "", ttext[nt])
    next
}
/^##@@ services/ {
    ns = split(svcs, svc, "\036")
    for (i = 1; i <= ns; i++) {
        if (split(svc[i], f, "\037") < 3) continue
        title = f[1] " — " f[2] " (" f[3] ")"
        if (want != "" && tolower(f[1]) != want) continue
        printf "\n%s%s%s\n", bold, title, reset
        shown = 1
        for (j = 1; j <= nt; j++) {
            text = ttext[j]
            gsub(/%/, f[1], text)
            printf "  %s%-24s%s %s\n", cyan, f[1] "-" tname[j], reset, text
        }
    }
    active = 0
    next
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
