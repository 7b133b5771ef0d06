# The Fargate task definition of one vCPU size, in the shape that
# `aws ecs register-task-definition --cli-input-json file://...` takes.
# Rendered by ecs-taskdefs/generate.sh (`make taskdefs`) once per size: every
# value that differs between sizes, accounts or images is an --arg, so this
# file holds no account, region, image or bucket of anyone's.
{
  family: "s3bench-\($vcpu)vcpu",
  taskRoleArn: "arn:\($partition):iam::\($account):role/\($task_role)",
  executionRoleArn: "arn:\($partition):iam::\($account):role/\($execution_role)",
  networkMode: "awsvpc",
  requiresCompatibilities: ["FARGATE"],
  cpu: $cpu,
  memory: $memory,
  runtimePlatform: {cpuArchitecture: $arch, operatingSystemFamily: "LINUX"},
  containerDefinitions: [
    {
      name: "s3bench",
      image: $image,
      essential: true,
      # Every variable s3bench reads, except the credential chain's: the task
      # role provides credentials through the AWS_CONTAINER_CREDENTIALS_*
      # variables that ECS itself sets. An empty value means "not set" to
      # s3bench (and ECS drops empty values when it registers the definition);
      # they are listed so that each setting is visible and can be overridden.
      # MODE and CONCURRENCY are defaults: run-grid.sh overrides them per task.
      environment: [
        {name: "BUCKET_NAME", value: $bucket},
        {name: "RESULT_BUCKET_NAME", value: $result_bucket},
        {name: "CONCURRENCY", value: "8"},
        {name: "MODE", value: "thread"},
        {name: "TAG", value: "fargate-\($vcpu)vcpu"},
        {name: "AWS_REGION", value: $region},
        {name: "AWS_DEFAULT_REGION", value: $region},
        {name: "AWS_ENDPOINT_URL", value: ""},
        {name: "AWS_ENDPOINT_URL_S3", value: ""},
        {name: "AWS_CA_BUNDLE", value: ""},
        {name: "AWS_MAX_ATTEMPTS", value: ""}
      ],
      # One socket per worker, and CONCURRENCY goes up to 4096.
      ulimits: [{name: "nofile", softLimit: 65536, hardLimit: 65536}],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": $log_group,
          "awslogs-region": $region,
          "awslogs-stream-prefix": "s3bench"
        }
      }
    }
  ]
}
