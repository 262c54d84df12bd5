package http

// SetSitemapMax sets the most URLs per sitemap, so that tests can reach a
// sitemap index with few documents.
func (s *Server) SetSitemapMax(n int) { s.SitemapMax = n }
