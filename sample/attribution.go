package sample

import _ "embed"

//go:embed README.md
var readme string

// Attribution returns, as Markdown, where the sample library's documents
// come from and under what terms: the text of README.md.
func Attribution() string { return readme }
