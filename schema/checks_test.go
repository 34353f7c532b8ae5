package schema

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// checkCase is one value given to a check: want "" means no problem,
// otherwise the summary, and detail a fragment the detail must hold.
type checkCase struct {
	check  Check
	val    cty.Value
	want   string
	detail string
}

func s(v string) cty.Value { return cty.StringVal(v) }

func strs(vs ...string) cty.Value {
	if len(vs) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	l := make([]cty.Value, len(vs))
	for i, v := range vs {
		l[i] = cty.StringVal(v)
	}
	return cty.ListVal(l)
}

func strSetOf(vs ...string) cty.Value {
	l := make([]cty.Value, len(vs))
	for i, v := range vs {
		l[i] = cty.StringVal(v)
	}
	return cty.SetVal(l)
}

func TestChecks(t *testing.T) {
	runMode := oneOf("manual", "periodic")
	tests := map[string]checkCase{
		"oneOf allowed":                   {runMode, s("manual"), "", ""},
		"oneOf typo suggests":             {runMode, s("periodc"), "Unsupported value", `Did you mean "periodic"? Use "manual" or "periodic".`},
		"oneOf case suggests":             {runMode, s("Manual"), "Unsupported value", `Did you mean "manual"?`},
		"oneOf far has no suggestion":     {runMode, s("sometimes"), "Unsupported value", `The value "sometimes" is not allowed here. Use "manual" or "periodic".`},
		"oneOf three values":              {oneOf("a", "b", "c"), s("zzzz"), "Unsupported value", `Use "a", "b" or "c".`},
		"oneOf ignores other types":       {runMode, cty.NumberIntVal(1), "", ""},
		"setOf allowed":                   {setOf("workstations", "servers"), strSetOf("servers", "workstations"), "", ""},
		"setOf bad element":               {setOf("workstations", "servers"), strSetOf("servers", "laptops"), "Unsupported value", `"laptops"`},
		"setOf typo":                      {setOf("workstations", "servers"), strSetOf("server"), "Unsupported value", `Did you mean "servers"?`},
		"setOf unknown element":           {setOf("workstations", "servers"), cty.SetVal([]cty.Value{cty.UnknownVal(cty.String)}), "", ""},
		"intRange low edge":               {intRange(1, 720), cty.NumberIntVal(1), "", ""},
		"intRange high edge":              {intRange(1, 720), cty.NumberIntVal(720), "", ""},
		"intRange below":                  {intRange(1, 720), cty.NumberIntVal(0), "Value out of range", "Use a whole number from 1 to 720."},
		"intRange above":                  {intRange(1, 720), cty.NumberIntVal(721), "Value out of range", "The value 721 is outside"},
		"intRange fraction":               {intRange(1, 720), cty.NumberFloatVal(1.5), "Not a whole number", "The value 1.5 is not a whole number."},
		"maxLen at limit":                 {maxLen(5), s("héllo"), "", ""},
		"maxLen counts characters":        {maxLen(4), s("ééééé"), "Value too long", "5 characters long, but at most 4"},
		"maxItems at limit":               {maxItems(2), strs("a", "b"), "", ""},
		"maxItems above":                  {maxItems(2), strs("a", "b", "c"), "Too many items", "Remove 1 of them."},
		"maxItems unknown elements count": {maxItems(1), cty.ListVal([]cty.Value{cty.UnknownVal(cty.String), cty.UnknownVal(cty.String)}), "Too many items", "2 items"},
		"maxItems set of unknowns":        {maxItems(1), cty.SetVal([]cty.Value{cty.UnknownVal(cty.String), cty.StringVal("a")}), "", ""},
		"siteCode ok":                     {siteCode, s("LAB"), "", ""},
		"siteCode digits":                 {siteCode, s("A1B"), "", ""},
		"siteCode lower case":             {siteCode, s("lab"), "Invalid site code", `Site codes are upper case: use "LAB".`},
		"siteCode too long":               {siteCode, s("LABS"), "Invalid site code", "three upper-case letters or digits"},
		"siteCode symbol":                 {siteCode, s("L-B"), "Invalid site code", "three upper-case letters or digits"},
		"siteCode reserved CON":           {siteCode, s("CON"), "Reserved site code", "reserved Windows device name"},
		"siteCode reserved AUX":           {siteCode, s("AUX"), "Reserved site code", "Choose another site code."},
		"siteCode reserved NUL":           {siteCode, s("NUL"), "Reserved site code", ""},
		"siteCode reserved PRN":           {siteCode, s("PRN"), "Reserved site code", ""},
		"siteCode reserved COM":           {siteCode, s("COM"), "Reserved site code", ""},
		"siteCode reserved LPT":           {siteCode, s("LPT"), "Reserved site code", ""},
		"siteCode lower reserved":         {siteCode, s("con"), "Invalid site code", `"CON" is a reserved Windows device name`},
		"siteName ok":                     {siteName, s("Lab-Site-01"), "", ""},
		"siteName space":                  {siteName, s("Lab Site"), "Invalid site name", `contains ' '`},
		"siteName underscore":             {siteName, s("lab_site"), "Invalid site name", "remove or replace that character"},
		"siteName empty":                  {siteName, s(""), "Invalid site name", "empty"},
		"schedule ok":                     {schedule, s("every 7 days"), "", ""},
		"schedule bad":                    {schedule, s("every 8 fortnights"), "Invalid schedule", `The schedule "every 8 fortnights" cannot be read: unknown unit`},
		"diskSpace ok":                    {diskSpace, s("50 MB"), "", ""},
		"diskSpace KB":                    {diskSpace, s("512 KB"), "", ""},
		"diskSpace GB":                    {diskSpace, s("2 GB"), "", ""},
		"diskSpace loose":                 {diskSpace, s("50mb"), "Invalid disk space", `Did you mean "50 MB"?`},
		"diskSpace unit":                  {diskSpace, s("50 TB"), "Invalid disk space", "KB, MB or GB"},
		"diskSpace fraction":              {diskSpace, s("1.5 GB"), "Invalid disk space", ""},
		"timestamp ok":                    {timestamp, s("2026-12-01T02:00:00Z"), "", ""},
		"timestamp offset":                {timestamp, s("2026-12-01T02:00:00+01:00"), "", ""},
		"timestamp client local time":     {timestamp, s("2026-12-01T02:00:00"), "", ""},
		"timestamp space":                 {timestamp, s("2026-12-01 02:00:00"), "Invalid timestamp", "client's local time"},
		"timestamp date only":             {timestamp, s("2026-12-01"), "Invalid timestamp", ""},
		"assignments ok":                  {assignmentSchedules, strs("at logon", "At Logoff", "at startup", "as soon as possible", "every 7 days"), "", ""},
		"assignments empty":               {assignmentSchedules, strs(), "", ""},
		"assignments bad event":           {assignmentSchedules, strs("every 7 days", "at lunch"), "Invalid assignment schedule", `"at lunch" is not an assignment event. Use one of "at logon", "at logoff", "at startup" or "as soon as possible", or a schedule`},
		"assignments neither":             {assignmentSchedules, strs("sometimes"), "Invalid assignment schedule", `"sometimes" is neither an assignment event nor a schedule (a schedule starts with`},
		"assignments bad schedule":        {assignmentSchedules, strs("every 70 minutes"), "Invalid assignment schedule", `The schedule "every 70 minutes" cannot be read: every 70 minutes is out of range: minutes go from 1 to 59`},
		"assignments unknown element":     {assignmentSchedules, cty.ListVal([]cty.Value{cty.UnknownVal(cty.String)}), "", ""},
		"uncPath share":                   {uncPath, s(`\\srv\updates`), "", ""},
		"uncPath folder":                  {uncPath, s(`\\srv.corp.example\updates$\2026\dec`), "", ""},
		"uncPath trailing backslash":      {uncPath, s(`\\srv\updates\pkg\`), "", ""},
		"uncPath local":                   {uncPath, s(`D:\updates`), "Invalid network path", `does not start with \\server`},
		"uncPath single backslash":        {uncPath, s(`\srv\updates`), "Invalid network path", "single backslash"},
		"uncPath forward slashes":         {uncPath, s(`//srv/updates`), "Invalid network path", "forward slashes"},
		"uncPath no share":                {uncPath, s(`\\srv`), "Invalid network path", "both a server and a share"},
		"uncPath empty folder":            {uncPath, s(`\\srv\updates\\x`), "Invalid network path", "empty folder name"},
		"uncPath dotdot":                  {uncPath, s(`\\srv\updates\..\x`), "Invalid network path", `".."`},
		"uncPath bad share":               {uncPath, s(`\\srv\up*dates`), "Invalid network path", `contains '*'`},
		"updateIDs ok":                    {updateIDs, strSetOf("KB958644", "3c5a5d1b-1b3c-4b8a-9f1e-2f3b6a7c8d9e"), "", ""},
		"updateIDs lower kb":              {updateIDs, strSetOf("kb958644"), "Invalid update id", `Did you mean "KB958644"?`},
		"updateIDs digits":                {updateIDs, strSetOf("958644"), "Invalid update id", `Did you mean "KB958644"?`},
		"updateIDs braces":                {updateIDs, strSetOf("{3C5A5D1B-1B3C-4B8A-9F1E-2F3B6A7C8D9E}"), "Invalid update id", "without braces"},
		"updateIDs junk":                  {updateIDs, strSetOf("MS08-067"), "Invalid update id", `"KB" and the article number`},
		"packageShareName name":           {packageShareName, s("ITMU"), "", ""},
		"packageShareName name and path":  {packageShareName, s(`ITMU\catalog`), "", ""},
		"packageShareName unc":            {packageShareName, s(`\\srv\ITMU`), "Invalid package share name", "full network path"},
		"packageShareName bad share":      {packageShareName, s(`IT:MU\x`), "Invalid package share name", `contains ':'`},
		"packageShareName empty folder":   {packageShareName, s(`ITMU\`), "Invalid package share name", "empty folder name"},
		"shareName ok":                    {shareName, s("PackageSrc"), "", ""},
		"shareName hidden":                {shareName, s("SMSPKGD$"), "", ""},
		"shareName 80":                    {shareName, s(strings.Repeat("a", 80)), "", ""},
		"shareName 81":                    {shareName, s(strings.Repeat("a", 81)), "Invalid share name", "81 characters long"},
		"shareName empty":                 {shareName, s(""), "Invalid share name", "cannot be empty"},
		"shareName dot":                   {shareName, s("share."), "Invalid share name", "ends in a dot"},
		"shareName control":               {shareName, s("sh\tare"), "Invalid share name", "control character U+0009"},
		"shareName IPC$":                  {shareName, s("IPC$"), "Reserved share name", "special share"},
		"shareName admin$":                {shareName, s("admin$"), "Reserved share name", "special share"},
		"shareName print$":                {shareName, s("print$"), "Reserved share name", "special share"},
		"shareName C$":                    {shareName, s("C$"), "Reserved share name", "administrative share of drive C:"},
		"shareName CON":                   {shareName, s("CON"), "Reserved share name", "device name"},
		"shareName nul":                   {shareName, s("nul"), "Reserved share name", "device name"},
		"shareName spaces":                {shareName, s("   "), "Reserved share name", "spaces only"},
		"shareName leading space":         {shareName, s(" PackageSrc"), "Reserved share name", "starts or ends with a space"},
		"shareName trailing space":        {shareName, s("PackageSrc "), "Reserved share name", "starts or ends with a space"},
		"shareName CD$ is fine":           {shareName, s("CD$"), "", ""},
		"fileName ok":                     {fileName, s("wsusscn2.cab"), "", ""},
		"fileName slash":                  {fileName, s("cab/wsusscn2.cab"), "Invalid file name", "path separator"},
		"fileName backslash":              {fileName, s(`cab\wsusscn2.cab`), "Invalid file name", "path separator"},
		"fileName empty":                  {fileName, s(""), "Invalid file name", "empty"},
		"fileName dotdot":                 {fileName, s(".."), "Invalid file name", "names a folder"},
		"httpURL https":                   {httpURL, s("https://catalog.s.download.windowsupdate.com/microsoftupdate/v6/wsusscan/wsusscn2.cab"), "", ""},
		"httpURL http with port":          {httpURL, s("http://127.0.0.1:8080/wsusscn2.cab"), "", ""},
		"httpURL ftp":                     {httpURL, s("ftp://example.com/wsusscn2.cab"), "Invalid URL", `scheme "ftp"`},
		"httpURL no scheme":               {httpURL, s("example.com/wsusscn2.cab"), "Invalid URL", "no scheme"},
		"httpURL no host":                 {httpURL, s("https:///wsusscn2.cab"), "Invalid URL", "no host"},
		"httpURL junk":                    {httpURL, s("http://[::1"), "Invalid URL", "is not a URL"},
		"collectionID ok":                 {collectionID, s("LAB0002C"), "", ""},
		"collectionID built-in":           {collectionID, s("SMS00001"), "", ""},
		"collectionID lower case":         {collectionID, s("lab0002c"), "Invalid collection id", `Did you mean "LAB0002C"?`},
		"collectionID name":               {collectionID, s("Microsoft Updates Tool Sync"), "Invalid collection id", "Refer to the collection's id"},
		"collectionID not hex":            {collectionID, s("LAB0002G"), "Invalid collection id", ""},
		"dependentProgram ok":             {dependentProgram, s("LAB00006;;Microsoft Updates Tool"), "", ""},
		"dependentProgram one semicolon":  {dependentProgram, s("LAB00006;Microsoft Updates Tool"), "Invalid dependent program", "two semicolons"},
		"dependentProgram no package":     {dependentProgram, s(";;Microsoft Updates Tool"), "Invalid dependent program", ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := tt.check(tt.val)
			if tt.want == "" {
				if p != nil {
					t.Fatalf("unexpected problem %q: %s", p.Summary, p.Detail)
				}
				return
			}
			if p == nil {
				t.Fatalf("no problem, want %q", tt.want)
			}
			if p.Summary != tt.want {
				t.Errorf("summary = %q, want %q (detail: %s)", p.Summary, tt.want, p.Detail)
			}
			if !strings.Contains(p.Detail, tt.detail) {
				t.Errorf("detail = %q, want it to contain %q", p.Detail, tt.detail)
			}
			checkProblemShape(t, p)
		})
	}
}

// checkProblemShape holds the style rules every problem follows.
func checkProblemShape(t *testing.T, p *Problem) {
	t.Helper()
	if p.Severity != hcl.DiagError && p.Severity != hcl.DiagWarning {
		t.Errorf("severity %v is neither error nor warning", p.Severity)
	}
	if p.Summary == "" || strings.HasSuffix(p.Summary, ".") || strings.ToUpper(p.Summary[:1]) != p.Summary[:1] {
		t.Errorf("summary %q is not a short capitalised noun phrase", p.Summary)
	}
	if !strings.HasSuffix(p.Detail, ".") && !strings.HasSuffix(p.Detail, "?") {
		t.Errorf("detail %q does not end a sentence", p.Detail)
	}
}

func TestChecksSkipUnknownAndNull(t *testing.T) {
	checks := map[string]Check{
		"oneOf": oneOf("a"), "setOf": setOf("a"), "intRange": intRange(1, 2), "maxLen": maxLen(1), "maxItems": maxItems(1),
		"siteCode": siteCode, "siteName": siteName, "schedule": schedule, "diskSpace": diskSpace, "timestamp": timestamp,
		"assignmentSchedules": assignmentSchedules, "uncPath": uncPath, "updateIDs": updateIDs,
		"packageShareName": packageShareName, "shareName": shareName, "fileName": fileName, "httpURL": httpURL,
		"dependentProgram": dependentProgram, "collectionID": collectionID,
	}
	vals := []cty.Value{
		cty.UnknownVal(cty.String), cty.NullVal(cty.String), cty.UnknownVal(cty.List(cty.String)),
		cty.NullVal(cty.Set(cty.String)), cty.UnknownVal(cty.Number), cty.DynamicVal, cty.NilVal,
	}
	for name, c := range checks {
		for _, v := range vals {
			if p := c(v); p != nil {
				t.Errorf("%s(%#v) = %q, want no problem for an unknown or null value", name, v, p.Summary)
			}
		}
	}
}

// FuzzStringChecks: no check panics, and every problem has a summary and a
// detail that ends a sentence.
func FuzzStringChecks(f *testing.F) {
	for _, s := range []string{"LAB", `\\srv\share\x`, "50 MB", "KB958644", "at logon", "smb://h/s", "http://[::1", "ITMU\\", "a;;b", "\x00", "é"} {
		f.Add(s)
	}
	checks := []Check{
		oneOf("a", "b"), setOf("a"), maxLen(3), maxItems(1), siteCode, siteName, schedule, diskSpace, timestamp,
		assignmentSchedules, uncPath, updateIDs, packageShareName, shareName, fileName, httpURL, dependentProgram, collectionID,
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, v := range []cty.Value{cty.StringVal(in), cty.ListVal([]cty.Value{cty.StringVal(in)}), cty.SetVal([]cty.Value{cty.StringVal(in)})} {
			for _, c := range checks {
				if p := c(v); p != nil {
					if p.Summary == "" || (!strings.HasSuffix(p.Detail, ".") && !strings.HasSuffix(p.Detail, "?")) {
						t.Fatalf("problem %q / %q for %q is not well formed", p.Summary, p.Detail, in)
					}
				}
			}
		}
		obj := map[string]cty.Value{"content_path": cty.StringVal(in), "share": cty.StringVal(in), "kind": cty.StringVal("server_share")}
		_ = distributionPointRules(cty.ObjectVal(obj))
	})
}
