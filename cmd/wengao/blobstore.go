package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"

	"github.com/wengao/wengao/blob"
	"github.com/wengao/wengao/blob/s3"
	"github.com/wengao/wengao/config"
)

// openFiles opens the store of uploaded files that spec names: the data
// folder's files/ when it is empty, else an S3 bucket (s3://…, with the
// credentials of the AWS_* environment variables).
func openFiles(ctx context.Context, spec, data string) (blob.Lister, error) {
	if spec == "" {
		return blob.NewLocal(filepath.Join(data, "files"))
	}
	if err := config.CheckBlob(spec); err != nil {
		return nil, err
	}
	return s3.OpenURL(ctx, spec, os.LookupEnv)
}

// blobFlag adds the option --blob (env WENGAO_BLOB) to fs.
func blobFlag(fs *flag.FlagSet) *string {
	return fs.String("blob", envOr("WENGAO_BLOB", ""), config.BlobUsage+" (env WENGAO_BLOB)")
}
