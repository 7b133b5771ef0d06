# The task role's policy: what s3bench does and nothing more. ListBucket on
# the source bucket (ListObjectsV2), GetObject on its objects, PutObject of
# the result CSV into the result bucket. Rendered by generate.sh.
{
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "ListSourceBucket",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: "arn:\($partition):s3:::\($bucket)"
    },
    {
      Sid: "ReadSourceObjects",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "arn:\($partition):s3:::\($bucket)/*"
    },
    {
      Sid: "WriteResults",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: "arn:\($partition):s3:::\($result_bucket)/*"
    }
  ]
}
