package "itmu" {
  site = "LAB"
  name = "Microsoft Updates Tool"
}

package "inventory_tool" {
  site = "LAB"
  name = "Inventory Tool"
}

moved {
  from = package.inventory_tool # ERROR: Moved object still declared
  to   = package.itmu
}

# Adding count to a resource keeps its name: not an error.
moved {
  from = package.itmu
  to   = package.itmu[0]
}
