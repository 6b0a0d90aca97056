from investwire.cli import main

main()
