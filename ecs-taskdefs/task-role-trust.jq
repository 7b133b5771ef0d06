# The task role's trust policy: ECS tasks of this account, started in this
# region, may assume it. The conditions keep tasks of other accounts from
# using the role (the confused-deputy problem). Rendered by generate.sh.
{
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: {Service: "ecs-tasks.amazonaws.com"},
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: {"aws:SourceAccount": $account},
        ArnLike: {"aws:SourceArn": "arn:\($partition):ecs:\($region):\($account):*"}
      }
    }
  ]
}
