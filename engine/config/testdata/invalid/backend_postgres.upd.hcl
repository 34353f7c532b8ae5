updplan {
  backend "postgres" {
    path      = "x" # ERROR: Unsupported argument
    workspace = "lab"
    dsn       = "postgres://updplan@db/updplan"
    shema     = "x" # ERROR: Unsupported argument
  }
}
