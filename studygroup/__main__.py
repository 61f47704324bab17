from studygroup.cli import main

main()
