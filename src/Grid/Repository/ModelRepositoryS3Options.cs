namespace OrleansInference.Grid.Repository;

/// <summary>
/// Where the shared model repository lives when it is an S3 bucket (or an S3-compatible server). Bound from
/// <c>ModelRepository:S3</c>; the repository uses S3 when <see cref="Bucket"/> is set. Each node syncs the versions it
/// needs into <see cref="CacheRoot"/> and loads them from there.
/// </summary>
public sealed class ModelRepositoryS3Options
{
    /// <summary>The bucket holding <c>{Prefix}{name}/{version}/model.onnx</c> and <c>config.json</c>. Empty: the folder repository.</summary>
    public string? Bucket { get; set; }

    /// <summary>Key prefix inside the bucket, such as <c>models/</c>; a missing trailing '/' is added. Default none.</summary>
    public string? Prefix { get; set; }

    /// <summary>Endpoint of an S3-compatible server (<c>http://127.0.0.1:9000</c>). Empty: AWS S3 in <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>AWS region, such as <c>eu-west-1</c>. Empty: the SDK's region chain; <c>us-east-1</c> with a <see cref="ServiceUrl"/>.</summary>
    public string? Region { get; set; }

    /// <summary>Path-style addressing (<c>{ServiceUrl}/{bucket}/{key}</c>), which most S3-compatible servers need. Default false.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>Access key id; set together with <see cref="SecretKey"/>. Empty: the standard AWS credential chain (environment, profile, instance role).</summary>
    public string? AccessKey { get; set; }

    /// <summary>Secret access key; set together with <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>
    /// Local folder the node keeps synced versions in: <c>{CacheRoot}/{name}/{version}/</c>. Relative paths resolve
    /// against the content root. Default a folder under the temp directory named after the bucket and prefix.
    /// </summary>
    public string? CacheRoot { get; set; }

    /// <summary>Seconds one S3 request may take before it fails. Range 1–3600. Default 60.</summary>
    public int RequestTimeoutSeconds { get; set; } = 60;

    /// <summary>Whether S3 is configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Bucket);

    /// <summary>The prefix as keys use it: empty, or ending in '/'.</summary>
    public string NormalizedPrefix =>
        string.IsNullOrEmpty(Prefix?.Trim('/')) ? string.Empty : Prefix.Trim('/') + "/";
}
