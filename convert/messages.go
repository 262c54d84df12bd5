package convert

import (
	"github.com/wengao/wengao"
)

// The messages users read, in one place so that the wording stays
// consistent. Every error that Convert returns is a *wengao.Error carrying
// one of them.
const (
	msgEmpty          = "文件为空。"
	msgReadFailed     = "读取上传的文件失败，请重新上传。"
	msgNoText         = "文件中没有可提取的文字。"
	msgFileTooLarge   = "文件超过 %s 的大小上限，请压缩或拆分后上传。"
	msgTextTooLarge   = "文件的文字内容超过 %s 的上限，请拆分后上传。"
	msgZipBomb        = "文件解压后过大（可能是压缩炸弹），已拒绝。"
	msgZipEntries     = "压缩包内的文件数量过多（可能是恶意文件），已拒绝。"
	msgTooComplex     = "文件结构过于复杂（嵌套过深或单项内容过长），可能已损坏，已拒绝。"
	msgTimeout        = "文件过于复杂，转换超时，已放弃。"
	msgCanceled       = "转换已取消，请稍后重试。"
	msgCorrupt        = "文件已损坏，无法读取。"
	msgMalformedXML   = "文件内容的格式有误（XML 无法解析），可能已损坏。"
	msgEncrypted      = "文件已加密，请解除密码保护后上传。"
	msgScanned        = "该 PDF 没有文字层（可能是扫描件），暂不支持。"
	msgUnknownType    = "无法识别的文件类型，请上传 .docx、.doc、.pdf、.txt、.md 或 .html 文件。"
	msgBinary         = "该文件不是文本文件，也不是支持的文档格式，请上传 .docx、.doc、.pdf、.txt、.md 或 .html 文件。"
	msgEncoding       = "无法识别文本的编码，请将文件另存为 UTF-8 或 GBK 编码后上传。"
	msgZipNotDocx     = "该压缩文件不是 Word 文档（.docx），暂不支持。"
	msgODF            = "暂不支持 OpenDocument 格式（.odt），请另存为 .docx 后上传。"
	msgExcel          = "暂不支持 Excel 表格，请将内容复制到 Word 文档后上传。"
	msgPowerPoint     = "暂不支持 PowerPoint 演示文稿，请将内容复制到 Word 文档后上传。"
	msgOLENotWord     = "该文件不是 Word 文档，暂不支持。"
	msgRTF            = "暂不支持 RTF 格式，请另存为 .docx 后上传。"
	msgWordXML        = "暂不支持该 XML 格式，请另存为 .docx 后上传。"
	msgDocVersion     = "该 .doc 文件的版本或保存方式暂不支持，请另存为 .docx 后上传。"
	msgNoAntiword     = "服务器未安装 antiword，暂不能转换 .doc 文件，请另存为 .docx 后上传。"
	msgNoPDFConverter = "服务器暂不能转换 PDF 文件，请稍后重试或上传 .docx 文件。"
	msgInternal       = "文件转换失败（服务器内部错误），请稍后重试。"
)

// errorf returns a *wengao.Error; it keeps call sites short.
func errorf(code, format string, args ...any) *wengao.Error {
	return wengao.Errorf(code, format, args...)
}

// errCorrupt is the error for a file that cannot be read.
func errCorrupt() *wengao.Error { return errorf(wengao.EINVALID, msgCorrupt) }

// errTooComplex is the error for a file whose structure exceeds our guards.
func errTooComplex() *wengao.Error { return errorf(wengao.ETOOLARGE, msgTooComplex) }

// errZipBomb is the error for an archive that expands past the limits.
func errZipBomb() *wengao.Error { return errorf(wengao.ETOOLARGE, msgZipBomb) }

// errTextTooLarge is the error for a file with more text than allowed.
func errTextTooLarge(max int64) *wengao.Error {
	return errorf(wengao.ETOOLARGE, msgTextTooLarge, wengao.FormatSize(max))
}
