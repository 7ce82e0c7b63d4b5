from threadport.cli import console

raise SystemExit(console())
