package schema

// Providers returns the schemas of every built-in provider, in a fixed order.
func Providers() []*Provider { return []*Provider{Sitedb, Share, Catalog} }

// LookupResourceType finds a resource type by name across all providers.
func LookupResourceType(name string) *ResourceType {
	for _, p := range Providers() {
		if rt := p.ResourceType(name); rt != nil {
			return rt
		}
	}
	return nil
}

// ResourceTypeNames lists every resource type name (for suggestions).
func ResourceTypeNames() []string {
	var names []string
	for _, p := range Providers() {
		for _, rt := range p.ResourceTypes {
			names = append(names, rt.Name)
		}
	}
	return names
}
