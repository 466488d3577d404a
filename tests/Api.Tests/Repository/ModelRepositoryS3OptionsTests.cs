using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.Tests.Repository;

/// <summary><c>ModelRepository:S3</c> settings are checked at start, each failure naming its key.</summary>
public sealed class ModelRepositoryS3OptionsTests
{
    [Fact]
    public void NoS3Settings_IsTheFolderRepository()
    {
        Assert.True(new ModelRepositoryOptionsValidator().Validate(null, new ModelRepositoryOptions()).Succeeded);
    }

    [Fact]
    public void CompleteSettings_Pass()
    {
        var options = new ModelRepositoryOptions
        {
            S3 = new ModelRepositoryS3Options
            {
                Bucket = "models", Prefix = "grid/models/", ServiceUrl = "http://127.0.0.1:9000", ForcePathStyle = true, AccessKey = "a", SecretKey = "b",
            },
        };

        Assert.True(new ModelRepositoryOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(null, null, "http://127.0.0.1:9000", null, null, "ModelRepository:S3:Bucket")]
    [InlineData("Bad_Bucket", null, null, null, null, "ModelRepository:S3:Bucket")]
    [InlineData("models", "../other", null, null, null, "ModelRepository:S3:Prefix")]
    [InlineData("models", "a//b", null, null, null, "ModelRepository:S3:Prefix")]
    [InlineData("models", null, "ftp://host", null, null, "ModelRepository:S3:ServiceUrl")]
    [InlineData("models", null, null, "key", null, "ModelRepository:S3:SecretKey")]
    [InlineData("models", null, null, null, "Eu West", "ModelRepository:S3:Region")]
    public void BadSettings_FailNamingTheKey(string? bucket, string? prefix, string? serviceUrl, string? accessKey, string? region, string key)
    {
        var options = new ModelRepositoryOptions
        {
            S3 = new ModelRepositoryS3Options { Bucket = bucket, Prefix = prefix, ServiceUrl = serviceUrl, AccessKey = accessKey, Region = region },
        };

        var result = new ModelRepositoryOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }
}
