from threadport.cli import main

raise SystemExit(main())
