# tools/svcmeta/probe.mk — libraries of svcmeta, the kit's reader of service.yaml (libyaml).
PC_svcmeta := yaml-0.1
