package docx

// The fixed parts of the package.

const contentTypesXML = xmlHeader +
	`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const packageRelsXML = xmlHeader +
	`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

// documentRelsXML: rId4 and rId5 are the footers that document.xml's
// section refers to.
const documentRelsXML = xmlHeader +
	`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
	`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
	`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>` +
	`</Relationships>`

// settingsXML: odd and even pages have their own footers (page numbers
// on the outer side), Chinese punctuation is not compressed (every
// character takes its full width, as on the printed 公文), and the
// compatibility mode is Word 2013's. Elements follow the schema's order.
const settingsXML = xmlHeader +
	`<w:settings xmlns:w="` + nsW + `">` +
	`<w:zoom w:percent="100"/>` +
	`<w:defaultTabStop w:val="420"/>` +
	`<w:evenAndOddHeaders/>` +
	`<w:characterSpacingControl w:val="doNotCompress"/>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>` +
	`</w:settings>`

// Fonts. The names are those Chinese government templates use; the font
// table declares for each a fallback (w:altName) that is itself in the
// table, ending in faces every Chinese system has: 仿宋_GB2312 → 仿宋 →
// FangSong, 楷体_GB2312 → 楷体 → KaiTi, 方正小标宋简体 → 华文中宋 → 宋体 →
// SimSun, 黑体 → SimHei. The serif faces are marked as such (family roman
// and a PANOSE serif class) so that a machine with none of them picks a
// serif face.
const (
	fontTitle   = "方正小标宋简体"
	fontBody    = "仿宋_GB2312"
	fontKai     = "楷体_GB2312"
	fontHei     = "黑体"
	fontSong    = "宋体"
	fontLatin   = "Times New Roman"
	sizeTitle   = "44" // 二号, 22 pt, in half-points
	sizeBody    = "32" // 三号, 16 pt
	sizeFooter  = "28" // 四号, 14 pt
	lineExact   = `<w:spacing w:line="579" w:lineRule="exact"/>`
	noIndent    = `<w:ind w:firstLineChars="0" w:firstLine="0"/>`
	bodyFonts   = `<w:rFonts w:ascii="` + fontLatin + `" w:eastAsia="` + fontBody + `" w:hAnsi="` + fontLatin + `" w:cs="` + fontLatin + `"/>`
	bodySize    = `<w:sz w:val="` + sizeBody + `"/><w:szCs w:val="` + sizeBody + `"/>`
	eastAsiaOf  = `<w:rFonts w:eastAsia="`
	fontsClose  = `"/>`
	songFonts   = `<w:rFonts w:ascii="` + fontSong + `" w:eastAsia="` + fontSong + `" w:hAnsi="` + fontSong + `"/>`
	footerSizes = `<w:sz w:val="` + sizeFooter + `"/><w:szCs w:val="` + sizeFooter + `"/>`
	// charSpacing narrows every character by 0.25 pt (in twips): 28
	// characters of 16 pt then take 441 pt, within the 156 mm (442.2 pt)
	// line.
	charSpacing = `<w:spacing w:val="-5"/>`
)

// stylesXML defines Normal (the body), Title, Subtitle (the 发文字号) and
// Footer (page numbers).
const stylesXML = xmlHeader +
	`<w:styles xmlns:w="` + nsW + `">` +
	`<w:docDefaults><w:rPrDefault><w:rPr>` + bodyFonts + charSpacing + `<w:kern w:val="2"/>` + bodySize +
	`<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	// Normal: 仿宋_GB2312 三号, two-character indent, exactly 28.95 pt.
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:widowControl w:val="0"/>` + lineExact + `<w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/></w:pPr>` +
	`<w:rPr>` + bodyFonts + charSpacing + bodySize + `</w:rPr></w:style>` +
	// Title: 方正小标宋简体 二号, centred, 35 pt lines.
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
	`<w:uiPriority w:val="10"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:spacing w:line="700" w:lineRule="exact"/>` + noIndent + `<w:jc w:val="center"/></w:pPr>` +
	`<w:rPr><w:rFonts w:ascii="` + fontLatin + `" w:eastAsia="` + fontTitle + `" w:hAnsi="` + fontLatin + `"/>` +
	`<w:sz w:val="` + sizeTitle + `"/><w:szCs w:val="` + sizeTitle + `"/></w:rPr></w:style>` +
	// Subtitle: the 发文字号, 仿宋_GB2312 三号, centred.
	`<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
	`<w:uiPriority w:val="11"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/>` + noIndent + `<w:jc w:val="center"/></w:pPr>` +
	`<w:rPr>` + bodyFonts + bodySize + `</w:rPr></w:style>` +
	// Footer: 宋体 四号 page numbers with half-width digits.
	`<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>` +
	`<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/>` + noIndent + `</w:pPr>` +
	`<w:rPr>` + songFonts + `<w:spacing w:val="0"/>` + footerSizes + `</w:rPr></w:style>` +
	`</w:styles>`

// PANOSE classes: serif (Song/Ming and FangSong faces) and sans (Hei).
const (
	panoseSong = `<w:panose1 w:val="02010600030101010101"/>`
	panoseFang = `<w:panose1 w:val="02010609060101010101"/>`
	panoseKai  = `<w:panose1 w:val="02010609060101010101"/>`
	panoseHei  = `<w:panose1 w:val="02010609060101010101"/>`
	cjkSerif   = `<w:charset w:val="86"/><w:family w:val="roman"/><w:pitch w:val="variable"/>`
	cjkSans    = `<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/>`
)

// font writes one entry of the font table.
func font(name, alt, panose, class string) string {
	s := `<w:font w:name="` + name + `">`
	if alt != "" {
		s += `<w:altName w:val="` + alt + `"/>`
	}
	return s + panose + class + `</w:font>`
}

// fontTableXML names the fonts and their fallbacks.
var fontTableXML = xmlHeader +
	`<w:fonts xmlns:w="` + nsW + `">` +
	`<w:font w:name="` + fontLatin + `"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>` +
	font(fontBody, "仿宋", panoseFang, cjkSerif) +
	font("仿宋", "FangSong", panoseFang, cjkSerif) +
	font("FangSong", "", panoseFang, cjkSerif) +
	font(fontKai, "楷体", panoseKai, cjkSerif) +
	font("楷体", "KaiTi", panoseKai, cjkSerif) +
	font("KaiTi", "", panoseKai, cjkSerif) +
	font(fontTitle, "华文中宋", panoseSong, cjkSerif) +
	font("华文中宋", "宋体", panoseSong, cjkSerif) +
	font(fontSong, "SimSun", panoseSong, cjkSerif) +
	font("SimSun", "", panoseSong, cjkSerif) +
	font(fontHei, "SimHei", panoseHei, cjkSans) +
	font("SimHei", "", panoseHei, cjkSans) +
	`</w:fonts>`
