package schema

import (
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Attribute checks. Each receives a known, non-null value of the attribute's
// type; elements of a collection may still be unknown and are skipped. A
// value of another type is left to the decoder, which reports it.

func problem(summary, detail string) *Problem {
	return &Problem{Severity: hcl.DiagError, Summary: summary, Detail: detail}
}

// stringOf returns the string in v, if v is a known non-null string.
func stringOf(v cty.Value) (string, bool) {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() || !v.Type().Equals(cty.String) {
		return "", false
	}
	return v.AsString(), true
}

// knownStrings returns the known, non-null string elements of a list or set
// with their positions (list index, or the element itself for a set).
func knownStrings(v cty.Value) (elems []string, keys []cty.Value) {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return nil, nil
	}
	ty := v.Type()
	if !(ty.IsListType() || ty.IsSetType() || ty.IsTupleType()) {
		return nil, nil
	}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if s, ok := stringOf(e); ok {
			elems = append(elems, s)
			keys = append(keys, k)
		}
	}
	return elems, keys
}

func quoteList(vals []string, conj string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " " + conj + " " + q[len(q)-1]
}

// suggest returns the allowed value closest to got, or "" when none is
// close (the same threshold HCL uses for names).
func suggest(got string, allowed []string) string {
	best, bestDist := "", 3
	for _, a := range allowed {
		d := levenshtein.Distance(strings.ToLower(got), strings.ToLower(a), nil)
		if d < bestDist {
			best, bestDist = a, d
		}
	}
	return best
}

func notAllowed(got string, allowed []string) *Problem {
	detail := fmt.Sprintf("The value %q is not allowed here.", got)
	if s := suggest(got, allowed); s != "" {
		detail += fmt.Sprintf(" Did you mean %q?", s)
	}
	detail += " Use " + quoteList(allowed, "or") + "."
	return problem("Unsupported value", detail)
}

// oneOf allows a string from a fixed list.
func oneOf(vals ...string) Check {
	return func(v cty.Value) *Problem {
		s, ok := stringOf(v)
		if !ok {
			return nil
		}
		for _, a := range vals {
			if s == a {
				return nil
			}
		}
		return notAllowed(s, vals)
	}
}

// setOf allows a list or set whose every element is from a fixed list.
func setOf(vals ...string) Check {
	return func(v cty.Value) *Problem {
		elems, keys := knownStrings(v)
	next:
		for i, s := range elems {
			for _, a := range vals {
				if s == a {
					continue next
				}
			}
			p := notAllowed(s, vals)
			p.Path = cty.Path{cty.IndexStep{Key: keys[i]}}
			return p
		}
		return nil
	}
}

// intRange allows whole numbers from lo to hi.
func intRange(lo, hi int) Check {
	return func(v cty.Value) *Problem {
		if v == cty.NilVal || !v.IsKnown() || v.IsNull() || !v.Type().Equals(cty.Number) {
			return nil
		}
		bf := v.AsBigFloat()
		if !bf.IsInt() {
			return problem("Not a whole number", fmt.Sprintf("The value %s is not a whole number. Use a whole number from %d to %d.", bf.Text('g', -1), lo, hi))
		}
		if bf.Cmp(big.NewFloat(float64(lo))) < 0 || bf.Cmp(big.NewFloat(float64(hi))) > 0 {
			return problem("Value out of range", fmt.Sprintf("The value %s is outside the allowed range. Use a whole number from %d to %d.", bf.Text('f', 0), lo, hi))
		}
		return nil
	}
}

// maxLen allows strings of at most n characters (not bytes).
func maxLen(n int) Check {
	return func(v cty.Value) *Problem {
		s, ok := stringOf(v)
		if !ok {
			return nil
		}
		if c := utf8.RuneCountInString(s); c > n {
			return problem("Value too long", fmt.Sprintf("The value is %d characters long, but at most %d are allowed. Shorten it to %d characters or fewer.", c, n, n))
		}
		return nil
	}
}

// maxItems allows collections of at most n elements.
func maxItems(n int) Check {
	return func(v cty.Value) *Problem {
		if v == cty.NilVal || !v.IsKnown() || v.IsNull() || !v.CanIterateElements() {
			return nil
		}
		l := v.Length() // unknown for a set holding unknowns: its size is not known yet
		if !l.IsKnown() {
			return nil
		}
		if c := v.LengthInt(); c > n {
			return problem("Too many items", fmt.Sprintf("The value has %d items, but at most %d are allowed. Remove %d of them.", c, n, c-n))
		}
		return nil
	}
}

var siteCodeRE = regexp.MustCompile(`^[A-Z0-9]{3}$`)

var reservedSiteCodes = map[string]bool{"AUX": true, "CON": true, "NUL": true, "PRN": true, "COM": true, "LPT": true}

// siteCode allows a ConfigMgr site code.
func siteCode(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok {
		return nil
	}
	if !siteCodeRE.MatchString(s) {
		detail := fmt.Sprintf("The site code %q is not three characters A–Z and 0–9.", s)
		if up := strings.ToUpper(s); siteCodeRE.MatchString(up) && !reservedSiteCodes[up] {
			detail += fmt.Sprintf(" Site codes are upper case: use %q.", up)
		} else if reservedSiteCodes[up] {
			detail += fmt.Sprintf(" Site codes are upper case, but %q is a reserved Windows device name that cannot be a folder name: choose another site code.", up)
		} else {
			detail += " Use exactly three upper-case letters or digits, e.g. \"LAB\"."
		}
		return problem("Invalid site code", detail)
	}
	if reservedSiteCodes[s] {
		return problem("Reserved site code", fmt.Sprintf("%q is a reserved Windows device name. Configuration Manager components use the site code as a folder name, and Windows cannot create a folder with that name. Choose another site code.", s))
	}
	return nil
}

// siteName allows letters A–Z a–z, digits and '-'.
func siteName(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok {
		return nil
	}
	if s == "" {
		return problem("Invalid site name", "The site name is empty. Give the site a name of letters A–Z a–z, digits and \"-\".")
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return problem("Invalid site name", fmt.Sprintf("The site name %q contains %q. Site names may hold only letters A–Z a–z, digits and \"-\": remove or replace that character.", s, r))
		}
	}
	return nil
}

// asciiServer allows a site system's server name in ASCII only: site codes
// and site system server names must be ASCII (domain.md §2).
func asciiServer(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok {
		return nil
	}
	for _, r := range s {
		if r > unicode.MaxASCII || unicode.IsControl(r) || unicode.IsSpace(r) {
			return problem("Invalid server name", fmt.Sprintf("The server name %q contains %q. Configuration Manager requires site system server names in ASCII, without spaces or control characters: use the computer's NetBIOS or DNS name, e.g. \"SITESRV\".", s, r))
		}
	}
	if s == "" {
		return problem("Invalid server name", "The server name is empty. Use the computer's NetBIOS or DNS name, e.g. \"SITESRV\".")
	}
	return nil
}

// schedule allows a schedule string (ParseSchedule).
func schedule(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok {
		return nil
	}
	if _, err := ParseSchedule(s); err != nil {
		return scheduleProblem(s, err)
	}
	return nil
}

// inventorySchedule allows a hardware inventory schedule
// (ParseInventorySchedule).
func inventorySchedule(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok {
		return nil
	}
	if _, err := ParseInventorySchedule(s); err != nil {
		return scheduleProblem(s, err)
	}
	return nil
}

func scheduleProblem(s string, err error) *Problem {
	return problem("Invalid schedule", fmt.Sprintf("The schedule %q cannot be read: %s.", s, err))
}

var diskSpaceRE = regexp.MustCompile(`^[0-9]+ (KB|MB|GB)$`)

var diskSpaceLooseRE = regexp.MustCompile(`(?i)^\s*([0-9]+)\s*(kb|mb|gb)\s*$`)

// diskSpace allows "<n> KB|MB|GB".
func diskSpace(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok || diskSpaceRE.MatchString(s) {
		return nil
	}
	detail := fmt.Sprintf("The disk space %q is not a number followed by KB, MB or GB.", s)
	if m := diskSpaceLooseRE.FindStringSubmatch(s); m != nil {
		detail += fmt.Sprintf(" Did you mean %q?", m[1]+" "+strings.ToUpper(m[2]))
	}
	detail += " Write it as in \"50 MB\": digits, one space, and KB, MB or GB in upper case."
	return problem("Invalid disk space", detail)
}

// ParseTime reads a time as the schema's time attributes take it: RFC 3339
// with "Z" or an offset is a fixed moment (ConfigMgr's IsGMT = true);
// without them ("2026-12-01T02:00:00") it is the client's local time
// (IsGMT = false, domain.md §10.1, §12), returned with local set and the
// wall clock in a UTC carrier.
func ParseTime(s string) (t time.Time, local bool, err error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, false, nil
	}
	t, err = time.Parse("2006-01-02T15:04:05", s)
	return t, err == nil, err
}

// bothTimes parses two times that can be compared: both fixed moments or
// both client local times.
func bothTimes(a, b string) (ta, tb time.Time, ok bool) {
	ta, la, err1 := ParseTime(a)
	tb, lb, err2 := ParseTime(b)
	return ta, tb, err1 == nil && err2 == nil && la == lb
}

// timestamp allows a time (ParseTime).
func timestamp(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok {
		return nil
	}
	if _, _, err := ParseTime(s); err != nil {
		return problem("Invalid timestamp", fmt.Sprintf("The time %q is not in RFC 3339 form. Write it as in \"2026-12-01T02:00:00Z\", with \"Z\" or an offset such as \"+01:00\" at the end for a fixed moment, or without them (\"2026-12-01T02:00:00\") for the client's local time.", s))
	}
	return nil
}

// assignmentEvents are the advertisement assignments that are not schedules.
var assignmentEvents = []string{"at logon", "at logoff", "at startup", "as soon as possible"}

// assignmentEvent returns the canonical event name of s, or "".
func assignmentEvent(s string) string {
	norm := strings.ToLower(strings.Join(strings.Fields(s), " "))
	for _, e := range assignmentEvents {
		if norm == e {
			return e
		}
	}
	return ""
}

// assignmentSchedules allows a list of schedules and assignment events.
func assignmentSchedules(v cty.Value) *Problem {
	elems, keys := knownStrings(v)
	for i, s := range elems {
		if assignmentEvent(s) != "" {
			continue
		}
		if _, err := ParseSchedule(s); err != nil {
			var detail string
			switch strings.ToLower(strings.Fields(s + " x")[0]) {
			case "at", "as":
				detail = fmt.Sprintf("%q is not an assignment event. Use one of %s, or a schedule such as \"every 7 days\".", s, quoteList(assignmentEvents, "or"))
			case "every", "weekly", "monthly", "once":
				detail = fmt.Sprintf("The schedule %q cannot be read: %s.", s, err)
			default:
				detail = fmt.Sprintf("%q is neither an assignment event nor a schedule (%s). Use one of the events %s, or a schedule such as \"every 7 days\".", s, err, quoteList(assignmentEvents, "or"))
			}
			p := problem("Invalid assignment schedule", detail)
			p.Path = cty.Path{cty.IndexStep{Key: keys[i]}}
			return p
		}
	}
	return nil
}

// invalidShareChars are the characters an SMB share name cannot hold.
const invalidShareChars = `"/\[]:|<>+=;,?*`

// shareNameError explains why name is not a valid SMB share name, or
// returns "".
func shareNameError(name string) string {
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return "A share name cannot be empty."
	case n > 80:
		return fmt.Sprintf("The share name %q is %d characters long; at most 80 are allowed.", name, n)
	case strings.HasSuffix(name, "."):
		return fmt.Sprintf("The share name %q ends in a dot, which Windows does not allow.", name)
	}
	for _, r := range name {
		if strings.ContainsRune(invalidShareChars, r) {
			return fmt.Sprintf("The share name %q contains %q; share names cannot hold any of %s.", name, r, strings.Join(strings.Split(invalidShareChars, ""), " "))
		}
		if unicode.IsControl(r) {
			return fmt.Sprintf("The share name %q contains the control character %U.", name, r)
		}
	}
	return ""
}

// shareName allows an SMB share name (a trailing `$` hides the share).
func shareName(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok {
		return nil
	}
	if msg := shareNameError(s); msg != "" {
		return problem("Invalid share name", msg+" Choose a name of at most 80 characters without those characters, e.g. \"PackageSrc\".")
	}
	if msg := reservedShareName(s); msg != "" {
		return problem("Reserved share name", msg+" Choose another name, e.g. \"PackageSrc\".")
	}
	return nil
}

// reservedDeviceNames are names Windows keeps for devices.
var reservedDeviceNames = map[string]bool{"con": true, "nul": true, "prn": true, "aux": true, "clock$": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true}

// reservedShareName explains why a share updplan would create may not have
// name: the special shares a server makes itself, device names, and names
// with leading or trailing spaces. "" when it may.
func reservedShareName(name string) string {
	k := strings.ToLower(name)
	switch {
	case strings.TrimSpace(name) == "":
		return "A share name cannot consist of spaces only."
	case strings.TrimSpace(name) != name:
		return fmt.Sprintf("The share name %q starts or ends with a space, which Windows drops or refuses.", name)
	case k == "ipc$" || k == "admin$" || k == "print$" || k == "fax$" || k == "sysvol" || k == "netlogon":
		return fmt.Sprintf("The share name %q is a special share the server makes and manages itself.", name)
	case len(k) == 2 && k[1] == '$' && k[0] >= 'a' && k[0] <= 'z':
		return fmt.Sprintf("The share name %q is the administrative share of drive %s:, which the server makes and manages itself.", name, strings.ToUpper(k[:1]))
	case reservedDeviceNames[k]:
		return fmt.Sprintf("The share name %q is a device name Windows reserves.", name)
	}
	return ""
}

// invalidPathChars cannot appear in a Windows folder name.
const invalidPathChars = `<>:"/\|?*`

func folderNameError(seg string) string {
	if seg == "" {
		return "it has an empty folder name (two backslashes in a row, or one at the end)"
	}
	if seg == "." || seg == ".." {
		return fmt.Sprintf("it has the folder name %q, which does not name a folder of its own", seg)
	}
	for _, r := range seg {
		if strings.ContainsRune(invalidPathChars, r) || unicode.IsControl(r) {
			return fmt.Sprintf("the folder name %q contains %q", seg, r)
		}
	}
	return ""
}

// uncPath allows a network path \\server\share[\path].
func uncPath(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok {
		return nil
	}
	const want = `Write a network path as \\server\share or \\server\share\folder (in HCL, each backslash is written twice: "\\\\server\\share\\folder").`
	bad := func(why string) *Problem {
		return problem("Invalid network path", fmt.Sprintf("The path %q is not a network path: %s. %s", s, why, want))
	}
	if strings.HasPrefix(s, "//") || strings.HasPrefix(strings.ToLower(s), "smb://") {
		return bad("it uses forward slashes")
	}
	if !strings.HasPrefix(s, `\\`) {
		if strings.HasPrefix(s, `\`) {
			return bad("it starts with a single backslash")
		}
		return bad(`it does not start with \\server`)
	}
	parts := strings.Split(s[2:], `\`)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return bad("it needs both a server and a share name")
	}
	for _, r := range parts[0] {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(invalidPathChars+`[];,=+`, r) {
			return bad(fmt.Sprintf("the server name %q contains %q", parts[0], r))
		}
	}
	if msg := shareNameError(parts[1]); msg != "" {
		return bad(strings.TrimSuffix(strings.ToLower(msg[:1])+msg[1:], "."))
	}
	rest := parts[2:]
	if len(rest) > 0 && rest[len(rest)-1] == "" {
		rest = rest[:len(rest)-1] // one trailing backslash is harmless
	}
	for _, seg := range rest {
		if why := folderNameError(seg); why != "" {
			return bad(why)
		}
	}
	return nil
}

var (
	kbRE     = regexp.MustCompile(`^KB[0-9]+$`)
	digitsRE = regexp.MustCompile(`^[0-9]+$`)
	guidRE   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// updateIDs allows a collection of KB article numbers and update GUIDs.
func updateIDs(v cty.Value) *Problem {
	elems, keys := knownStrings(v)
	for i, s := range elems {
		if kbRE.MatchString(s) || guidRE.MatchString(s) {
			continue
		}
		detail := fmt.Sprintf("%q is neither a KB article nor an update id.", s)
		switch up := strings.ToUpper(strings.TrimSpace(s)); {
		case kbRE.MatchString(up):
			detail += fmt.Sprintf(" Did you mean %q?", up)
		case digitsRE.MatchString(up):
			detail += fmt.Sprintf(" Did you mean %q?", "KB"+up)
		case guidRE.MatchString(strings.Trim(up, "{}")):
			detail += fmt.Sprintf(" Did you mean %q, without braces?", strings.ToLower(strings.Trim(strings.TrimSpace(s), "{}")))
		}
		detail += ` Write each update as "KB" and the article number (e.g. "KB958644") or as its update id GUID (e.g. "3c5a5d1b-1b3c-4b8a-9f1e-2f3b6a7c8d9e").`
		p := problem("Invalid update id", detail)
		p.Path = cty.Path{cty.IndexStep{Key: keys[i]}}
		return p
	}
	return nil
}

// packageShareName allows `name` or `name\path` for a package-specific
// share on distribution points: never a UNC path.
func packageShareName(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok {
		return nil
	}
	const want = ` Write the share name alone ("ITMU") or the share name and a folder ("ITMU\\catalog"); each distribution point's server is added by Configuration Manager.`
	if strings.HasPrefix(s, `\\`) || strings.HasPrefix(s, `//`) {
		return problem("Invalid package share name", fmt.Sprintf("The package share name %q is a full network path, which Configuration Manager does not accept here.", s)+want)
	}
	share, path, _ := strings.Cut(s, `\`)
	if msg := shareNameError(share); msg != "" {
		return problem("Invalid package share name", msg+want)
	}
	if path != "" || strings.HasSuffix(s, `\`) {
		for _, seg := range strings.Split(path, `\`) {
			if why := folderNameError(seg); why != "" {
				return problem("Invalid package share name", fmt.Sprintf("The package share name %q is not valid: %s.", s, why)+want)
			}
		}
	}
	return nil
}

// fileName allows a bare file name: no folders.
func fileName(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok {
		return nil
	}
	switch {
	case s == "":
		return problem("Invalid file name", `The file name is empty. Give a file name such as "wsusscn2.cab".`)
	case strings.ContainsAny(s, `/\`):
		return problem("Invalid file name", fmt.Sprintf("The file name %q contains a path separator. Give the file name alone, such as \"wsusscn2.cab\", and set the folder in its own argument.", s))
	case s == "." || s == "..":
		return problem("Invalid file name", fmt.Sprintf("%q names a folder, not a file. Give a file name such as \"wsusscn2.cab\".", s))
	case strings.ContainsRune(s, 0):
		return problem("Invalid file name", "The file name contains a NUL character. Give a file name such as \"wsusscn2.cab\".")
	}
	return nil
}

// httpURL allows an http or https URL with a host.
func httpURL(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok {
		return nil
	}
	const want = ` Write a full URL such as "https://catalog.s.download.windowsupdate.com/microsoftupdate/v6/wsusscan/wsusscn2.cab".`
	u, err := url.Parse(s)
	if err != nil {
		return problem("Invalid URL", fmt.Sprintf("%q is not a URL.", s)+want)
	}
	if sch := strings.ToLower(u.Scheme); sch != "http" && sch != "https" {
		if u.Scheme == "" {
			return problem("Invalid URL", fmt.Sprintf("The URL %q has no scheme; it must start with http:// or https://.", s)+want)
		}
		return problem("Invalid URL", fmt.Sprintf("The URL %q uses the scheme %q; only http and https are supported (for a folder, use local_path instead).", s, u.Scheme)+want)
	}
	if u.Hostname() == "" {
		return problem("Invalid URL", fmt.Sprintf("The URL %q has no host.", s)+want)
	}
	return nil
}

var collectionIDRE = regexp.MustCompile(`^[A-Z0-9]{3}[0-9A-F]{5}$`)

// collectionID allows a collection id: a site code and five hex digits
// (SMS00001 for the built-in All Systems).
func collectionID(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok || collectionIDRE.MatchString(s) {
		return nil
	}
	detail := fmt.Sprintf("%q is not a collection id, which is a site code and five hexadecimal digits.", s)
	if up := strings.ToUpper(strings.TrimSpace(s)); collectionIDRE.MatchString(up) {
		detail += fmt.Sprintf(" Did you mean %q?", up)
	}
	detail += ` Refer to the collection's id (e.g. collection.sync.id), or write an id such as "LAB0002C" or "SMS00001".`
	return problem("Invalid collection id", detail)
}

// dependentProgram allows `<package id>;;<program name>`.
func dependentProgram(v cty.Value) *Problem {
	s, ok := stringOf(v)
	if !ok {
		return nil
	}
	pkg, prog, found := strings.Cut(s, ";;")
	if found && pkg != "" && strings.TrimSpace(prog) != "" && !strings.Contains(prog, ";;") {
		return nil
	}
	return problem("Invalid dependent program", fmt.Sprintf(`The dependent program %q is not of the form <package id>;;<program name>. Write the id of the package, two semicolons and the program's name, e.g. "LAB00006;;Microsoft Updates Tool", or use "${package.itmu.id};;${program.scan.name}".`, s))
}
