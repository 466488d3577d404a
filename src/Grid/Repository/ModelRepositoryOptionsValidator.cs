using Microsoft.Extensions.Options;

namespace OrleansInference.Grid.Repository;

/// <summary>Stops start-up on <c>ModelRepository:S3</c> settings that could never reach a bucket, naming the key.</summary>
internal sealed class ModelRepositoryOptionsValidator : IValidateOptions<ModelRepositoryOptions>
{
    private const string Section = ModelRepositoryOptions.SectionName + ":S3:";

    public ValidateOptionsResult Validate(string? name, ModelRepositoryOptions options)
    {
        var s3 = options.S3;
        if (s3 is null)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (!s3.IsConfigured)
        {
            if (!string.IsNullOrWhiteSpace(s3.ServiceUrl) || !string.IsNullOrWhiteSpace(s3.Prefix) || !string.IsNullOrWhiteSpace(s3.AccessKey)
                || !string.IsNullOrWhiteSpace(s3.SecretKey) || !string.IsNullOrWhiteSpace(s3.CacheRoot))
            {
                failures.Add($"{Section}Bucket must be set when other {Section}* settings are; leave them all empty to use the folder at ModelRepository:RootPath.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        if (!IsValidBucket(s3.Bucket!))
        {
            failures.Add($"{Section}Bucket must be an S3 bucket name (3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit); got '{s3.Bucket}'.");
        }

        if (!IsValidPrefix(s3.Prefix))
        {
            failures.Add($"{Section}Prefix must be '/'-separated segments of letters, digits, '-', '_' or '.' (no '.' or '..' segments), such as 'models/'; got '{s3.Prefix}'.");
        }

        if (!string.IsNullOrWhiteSpace(s3.ServiceUrl)
            && !(Uri.TryCreate(s3.ServiceUrl.Trim(), UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            failures.Add($"{Section}ServiceUrl must be an absolute http:// or https:// URL such as http://127.0.0.1:9000; got '{s3.ServiceUrl}'. Leave it empty for AWS S3.");
        }

        if (!string.IsNullOrWhiteSpace(s3.Region) && !s3.Region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            failures.Add($"{Section}Region must be an AWS region name such as 'eu-west-1'; got '{s3.Region}'.");
        }

        if (string.IsNullOrWhiteSpace(s3.AccessKey) != string.IsNullOrWhiteSpace(s3.SecretKey))
        {
            failures.Add($"{Section}AccessKey and {Section}SecretKey must be set together; leave both empty to use the standard AWS credential chain.");
        }

        if (s3.RequestTimeoutSeconds is < 1 or > 3600)
        {
            failures.Add($"{Section}RequestTimeoutSeconds must be between 1 and 3600; got {s3.RequestTimeoutSeconds}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsValidBucket(string bucket) =>
        bucket.Length is >= 3 and <= 63
        && bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
        && char.IsAsciiLetterOrDigit(bucket[0]) && char.IsAsciiLetterOrDigit(bucket[^1])
        && !bucket.Contains("..", StringComparison.Ordinal);

    private static bool IsValidPrefix(string? prefix)
    {
        var trimmed = prefix?.Trim('/');
        if (string.IsNullOrEmpty(trimmed))
        {
            return true;
        }

        return trimmed.Length <= 512 && trimmed.Split('/').All(segment =>
            segment.Length > 0 && segment is not "." and not ".."
            && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));
    }
}
