updplan {
  backend "s3" { # ERROR: Unknown backend type
    bucket = "x"
  }
}
