# A dynamic source block may generate the required source block: no error
# for the missing literal block, but its content is still checked.
catalog "wsusscn2" {
  destination = "D:\\PkgSource"

  dynamic "source" {
    for_each = ["E:\\drop\\wsusscn2.cab"]
    content {
      local_path = source.value
      path       = source.value # ERROR: Unsupported argument
    }
  }
}
