from claimdiff.cli import main

main()
