site { # ERROR: Missing name for site
  code = "LAB"
}

variable "a" "b" { # ERROR: Extraneous label for variable
}

provider { # ERROR: Missing name for provider
}
