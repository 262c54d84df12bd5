package gongwen

// The messages of Check, in one place so that the wording stays
// consistent. Those with verbs are fmt formats.
const (
	msgHeadingJump      = "层次序数越级：“%s”的下一层应为“%s”，不应直接使用“%s”。"
	msgHeadingOrder     = "层次序数倒置：“%s”出现在更高一层的“%s”之前。"
	msgHeadingFirst     = "序号应从“%s”开始，此处为“%s”。"
	msgHeadingGap       = "序号不连续：“%s”之后应为“%s”，此处为“%s”。"
	msgHeadingRepeat    = "序号重复：“%s”已用过。"
	msgHeadingBack      = "序号倒退：“%s”之后应为“%s”，此处为“%s”。"
	msgHeadingPunct     = "层次序数“%s”的标点不规范。"
	msgHeadingMixed     = "同一层次序数的写法不一致：本文多用“%s”，此处为“%s”。"
	msgDocNumBracket    = "发文字号的年份应用六角括号“〔〕”括入，此处为“%s”。"
	msgDocNumYear       = "发文字号的年份应标全称（四位数字），此处为“%s”。"
	msgDocNumDi         = "发文字号的顺序号不加“第”字。"
	msgDocNumZero       = "发文字号的顺序号不编虚位（1不编为01）。"
	msgDocNumHao        = "发文字号的顺序号后应加“号”字。"
	msgDateChinese      = "成文日期应使用阿拉伯数字。"
	msgDateInvalid      = "日期“%s”不存在。"
	msgDateZero         = "日期中的月、日不编虚位（5月不写作05月）。"
	msgPairOpen         = "“%s”没有对应的“%s”。"
	msgPairClose        = "“%s”没有对应的“%s”。"
	msgPairMismatch     = "“%s”与“%s”不配对。"
	msgHalfWidth        = "中文文字中应使用全角标点“%s”，此处为半角“%s”。"
	msgTitlePunct       = "标题末尾不应有标点“%s”。"
	msgAttachMissing    = "正文提到“%s”，但附件说明中没有列出。"
	msgAttachNoList     = "正文提到附件，但文中没有附件说明。"
	msgAttachSingle     = "只有一个附件时，附件说明不编序号。"
	msgAttachNumber     = "附件说明的序号应为“%s”，此处为“%s”。"
	msgAttachNumberForm = "附件说明的序号应写作“%s”，此处为“%s”。"

	expDateValid = "存在的日期（%d月共%d天）"
	expNoPunct   = "删去末尾标点"
	expAttachRef = "在附件说明中列出该附件"
)
