import ArgumentParser

FieldRollServerCommand.main()
