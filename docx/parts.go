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

const appXML = xmlHeader +
	`<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ` +
	`xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
	`<Application>wengao</Application><DocSecurity>0</DocSecurity></Properties>`

// settingsXML: odd and even pages have their own footers (page numbers
// on the outer side), Chinese punctuation is compressed, and the
// compatibility mode is Word 2013's. Elements follow the schema's order.
const settingsXML = xmlHeader +
	`<w:settings xmlns:w="` + nsW + `">` +
	`<w:zoom w:percent="100"/>` +
	`<w:defaultTabStop w:val="420"/>` +
	`<w:evenAndOddHeaders/>` +
	`<w:characterSpacingControl w:val="compressPunctuation"/>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>` +
	`</w:settings>`

// Fonts. The names are those Chinese government templates use; the font
// table gives Word an alternative name for machines without them.
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
	sizeSource  = "18" // 小五, 9 pt
	lineExact   = `<w:spacing w:line="579" w:lineRule="exact"/>`
	noIndent    = `<w:ind w:firstLineChars="0" w:firstLine="0"/>`
	bodyFonts   = `<w:rFonts w:ascii="` + fontLatin + `" w:eastAsia="` + fontBody + `" w:hAnsi="` + fontLatin + `" w:cs="` + fontLatin + `"/>`
	bodySize    = `<w:sz w:val="` + sizeBody + `"/><w:szCs w:val="` + sizeBody + `"/>`
	eastAsiaOf  = `<w:rFonts w:eastAsia="`
	fontsClose  = `"/>`
	boldRun     = `<w:b/><w:bCs/>`
	songFonts   = `<w:rFonts w:ascii="` + fontSong + `" w:eastAsia="` + fontSong + `" w:hAnsi="` + fontSong + `"/>`
	footerSizes = `<w:sz w:val="` + sizeFooter + `"/><w:szCs w:val="` + sizeFooter + `"/>`
)

// stylesXML defines Normal (the body), Title, Subtitle, Heading1–4,
// Footer (page numbers) and FooterSource.
const stylesXML = xmlHeader +
	`<w:styles xmlns:w="` + nsW + `">` +
	`<w:docDefaults><w:rPrDefault><w:rPr>` + bodyFonts + `<w:kern w:val="2"/>` + bodySize +
	`<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	// Normal: 仿宋_GB2312 三号, two-character indent, exactly 28.95 pt.
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:widowControl w:val="0"/>` + lineExact + `<w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/></w:pPr>` +
	`<w:rPr>` + bodyFonts + bodySize + `</w:rPr></w:style>` +
	// Title: 方正小标宋简体 二号, centred, 35 pt lines.
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
	`<w:uiPriority w:val="10"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:spacing w:line="700" w:lineRule="exact"/>` + noIndent + `<w:jc w:val="center"/></w:pPr>` +
	`<w:rPr><w:rFonts w:ascii="` + fontLatin + `" w:eastAsia="` + fontTitle + `" w:hAnsi="` + fontLatin + `"/>` +
	`<w:sz w:val="` + sizeTitle + `"/><w:szCs w:val="` + sizeTitle + `"/></w:rPr></w:style>` +
	// Subtitle: 楷体_GB2312 三号, centred.
	`<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
	`<w:uiPriority w:val="11"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/>` + noIndent + `<w:jc w:val="center"/></w:pPr>` +
	`<w:rPr>` + eastAsiaOf + fontKai + fontsClose + bodySize + `</w:rPr></w:style>` +
	headingStyleH1 + headingStyleH2 + headingStyleH3 + headingStyleH4 +
	// Footer: 宋体 四号 page numbers, off the document grid.
	`<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>` +
	`<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/>` + noIndent + `</w:pPr>` +
	`<w:rPr>` + songFonts + footerSizes + `</w:rPr></w:style>` +
	// FooterSource: the Source line, 宋体 小五, centred, grey.
	`<w:style w:type="paragraph" w:customStyle="1" w:styleId="FooterSource"><w:name w:val="Footer Source"/><w:basedOn w:val="Footer"/>` +
	`<w:pPr><w:jc w:val="center"/></w:pPr>` +
	`<w:rPr><w:color w:val="595959"/><w:sz w:val="` + sizeSource + `"/><w:szCs w:val="` + sizeSource + `"/></w:rPr></w:style>` +
	`</w:styles>`

// The heading styles: 黑体, 楷体_GB2312, then bold 仿宋_GB2312, all 三号
// like the body (GB/T 9704's 一、 （一） 1. （1）).
const (
	headingStyleH1 = `<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
		`<w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:outlineLvl w:val="0"/></w:pPr>` +
		`<w:rPr>` + eastAsiaOf + fontHei + fontsClose + bodySize + `</w:rPr></w:style>`
	headingStyleH2 = `<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
		`<w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:outlineLvl w:val="1"/></w:pPr>` +
		`<w:rPr>` + eastAsiaOf + fontKai + fontsClose + bodySize + `</w:rPr></w:style>`
	headingStyleH3 = `<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
		`<w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:outlineLvl w:val="2"/></w:pPr>` +
		`<w:rPr>` + eastAsiaOf + fontBody + fontsClose + boldRun + bodySize + `</w:rPr></w:style>`
	headingStyleH4 = `<w:style w:type="paragraph" w:styleId="Heading4"><w:name w:val="heading 4"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
		`<w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:outlineLvl w:val="3"/></w:pPr>` +
		`<w:rPr>` + eastAsiaOf + fontBody + fontsClose + boldRun + bodySize + `</w:rPr></w:style>`
)

// fontTableXML names the fonts with the common fonts of the same faces as
// alternatives (仿宋 for 仿宋_GB2312 and so on), charset GB2312.
const fontTableXML = xmlHeader +
	`<w:fonts xmlns:w="` + nsW + `">` +
	`<w:font w:name="` + fontLatin + `"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>` +
	`<w:font w:name="` + fontSong + `"><w:altName w:val="SimSun"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>` +
	`<w:font w:name="` + fontHei + `"><w:altName w:val="SimHei"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>` +
	`<w:font w:name="` + fontBody + `"><w:altName w:val="仿宋"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>` +
	`<w:font w:name="` + fontKai + `"><w:altName w:val="楷体"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>` +
	`<w:font w:name="` + fontTitle + `"><w:altName w:val="宋体"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>` +
	`</w:fonts>`
