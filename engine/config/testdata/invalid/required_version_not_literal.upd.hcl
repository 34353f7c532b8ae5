updplan {
  required_version = var.v # ERROR: Variables not allowed
}
