sync_host "lab" {
  site     = "LAB"
  computer = "WKS-SYNC01"

  precondition { # ERROR: Missing required argument
    condition = true
  }

  postcondition {
    condition     = self.internet_access == false
    error_message = "No Internet access."
    severity      = "warning" # ERROR: Unsupported argument
  }
}
