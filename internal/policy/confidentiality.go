package policy

import "strings"

// ConfidentialityHeadings are the section headings of the staff's duty of
// confidentiality in the rules template (chapter 2, 秘密保持 /
// Confidentiality). A company that rewrites its rules keeps the heading
// for the self-diagnosis to find the section.
var ConfidentialityHeadings = []string{"秘密保持", "守秘義務", "confidentiality"}

// CoversConfidentiality reports whether rules (either language) hold a
// section on the staff's duty of confidentiality: a heading line (##)
// that names it.
func CoversConfidentiality(rules ...string) bool {
	for _, text := range rules {
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "#") {
				continue
			}
			heading := strings.ToLower(strings.TrimLeft(line, "# "))
			for _, h := range ConfidentialityHeadings {
				if strings.Contains(heading, h) {
					return true
				}
			}
		}
	}
	return false
}
