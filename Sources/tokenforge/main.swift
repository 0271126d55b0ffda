import TokenForgeCLI

TokenForge.main()
