"""The sub-commands of `threadport`, one module each (see threadport.cli.COMMANDS)."""
