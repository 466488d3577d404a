using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grains.Tests.Repository;

public sealed class ModelRepositoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "oi-repo-" + Guid.NewGuid().ToString("N"));
    private readonly ModelRepository _repository;

    public ModelRepositoryTests()
    {
        Directory.CreateDirectory(_root);
        _repository = new ModelRepository(
            Options.Create(new ModelRepositoryOptions { RootPath = _root }),
            new TestHostEnvironment(_root),
            NullLogger<ModelRepository>.Instance);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task WriteVersion_then_Load_round_trips_config_and_checksum()
    {
        var written = await _repository.WriteVersionAsync(SampleConfig("fraud", "3"), new MemoryStream([1, 2, 3, 4]), CancellationToken.None);

        var loaded = _repository.Load("fraud", "3");

        Assert.Equal(written.Sha256, loaded.Sha256);
        Assert.Equal("9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a", loaded.Sha256);
        Assert.Equal(loaded.Sha256, loaded.Config.Sha256);
        Assert.Single(_repository.Scan());
    }

    [Fact]
    public async Task WriteVersion_refuses_an_existing_version()
    {
        await _repository.WriteVersionAsync(SampleConfig("fraud", "1"), new MemoryStream([1]), CancellationToken.None);

        await Assert.ThrowsAsync<ModelRepositoryConflictException>(
            () => _repository.WriteVersionAsync(SampleConfig("fraud", "1"), new MemoryStream([2]), CancellationToken.None));
    }

    [Fact]
    public async Task Load_detects_a_changed_artifact()
    {
        var descriptor = await _repository.WriteVersionAsync(SampleConfig("fraud", "1"), new MemoryStream([1, 2]), CancellationToken.None);
        await File.WriteAllBytesAsync(descriptor.ModelPath, [9, 9, 9]);

        var error = Assert.Throws<ModelRepositoryException>(() => _repository.Load("fraud", "1"));
        Assert.Contains("Checksum mismatch for 'fraud/1'", error.Message);
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("/etc/passwd")]
    [InlineData("fraud/../../x")]
    public void ResolveInside_refuses_paths_outside_the_root(string path)
    {
        var error = Assert.Throws<ModelRepositoryException>(() => _repository.ResolveInside(path));
        Assert.Contains("outside the model repository", error.Message);
    }

    [Theory]
    [InlineData("..", "1")]
    [InlineData("a/b", "1")]
    [InlineData("fraud", "01")]
    [InlineData("fraud", "v1")]
    public void VersionDirectory_refuses_invalid_names_and_versions(string name, string version) =>
        Assert.Throws<ModelRepositoryException>(() => _repository.VersionDirectory(name, version));

    [Fact]
    public void ParseConfig_names_every_problem()
    {
        var json = """
            {"name":"m","version":"1","stage":"live","inputs":[{"name":"x","datatype":"FP33","shape":[-1,3]}],
             "outputs":[{"name":"y","datatype":"FP32","shape":[-1,2]}],"feature_names":["a","b"],
             "batching":{"max_batch_size":8,"preferred_batch_sizes":[16]}}
            """;

        var error = Assert.Throws<ModelRepositoryException>(() => ModelRepository.ParseConfig(Encoding.UTF8.GetBytes(json), "test"));

        Assert.Contains("Stage 'live'", error.Message);
        Assert.Contains("datatype 'FP33'", error.Message);
        Assert.Contains("feature_names has 2 entries but input 'x' has 3 columns", error.Message);
        Assert.Contains("preferred_batch_sizes", error.Message);
    }

    [Fact]
    public void ParseConfig_accepts_scalar_and_empty_shapes()
    {
        var json = """
            {"name":"m","version":"1","inputs":[{"name":"x","datatype":"FP32","shape":[]},{"name":"e","datatype":"INT64","shape":[0,3]}],
             "outputs":[{"name":"y","datatype":"FP32","shape":[]}]}
            """;

        var config = ModelRepository.ParseConfig(Encoding.UTF8.GetBytes(json), "test");

        Assert.Empty(config.Inputs[0].Shape);
        Assert.Equal([0L, 3L], config.Inputs[1].Shape);
    }

    [Fact]
    public void ParseConfig_names_the_warmup_input_and_element_that_is_wrong()
    {
        var json = """
            {"name":"m","version":"1","inputs":[{"name":"x","datatype":"INT8","shape":[2]}],
             "outputs":[{"name":"y","datatype":"INT8","shape":[2]}],
             "warmup_inputs":[{"name":"x","datatype":"INT8","shape":[2],"data":[1,300]},
                              {"name":"z","datatype":"FP32","shape":[1],"data":[1]},
                              {"name":"x","datatype":"INT8","shape":[3],"data":[1,2]}]}
            """;

        var error = Assert.Throws<ModelRepositoryException>(() => ModelRepository.ParseConfig(Encoding.UTF8.GetBytes(json), "test"));

        Assert.Contains("warmup_inputs 'x' element 1 (300) is not a INT8 value", error.Message);
        Assert.Contains("warmup_inputs names 'z', which is not one of the inputs", error.Message);
        Assert.Contains("warmup_inputs 'x' has shape [3] (3 elements) but 2 data elements", error.Message);
    }

    [Fact]
    public void ParseConfig_refuses_one_hot_preprocessing_by_name()
    {
        var json = """
            {"name":"m","version":"1","inputs":[{"name":"x","datatype":"FP32","shape":[-1,2]}],
             "outputs":[{"name":"y","datatype":"FP32","shape":[-1,2]}],
             "preprocessing":{"one_hot":{"colour":["red","green"]}}}
            """;

        var error = Assert.Throws<ModelRepositoryException>(() => ModelRepository.ParseConfig(Encoding.UTF8.GetBytes(json), "test"));

        Assert.Contains("preprocessing.one_hot is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseConfig_error_on_invalid_json_never_quotes_the_file()
    {
        var error = Assert.Throws<ModelRepositoryException>(() => ModelRepository.ParseConfig("secret-token: hunter2"u8, "test"));

        Assert.DoesNotContain("'s'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"execution_provider\":\"tpu\"", "execution_provider is 'tpu'; expected cpu or cuda.")]
    [InlineData("\"cuda_device_id\":-1", "cuda_device_id is -1; expected 0 or greater.")]
    [InlineData("\"execution_provider\":\"cpu\",\"cuda_device_id\":1", "cuda_device_id is set but execution_provider is cpu")]
    public void ParseConfig_names_a_wrong_execution_setting(string setting, string expected)
    {
        var json = $$"""
            {"name":"m","version":"1","inputs":[{"name":"x","datatype":"FP32","shape":[-1,2]}],
             "outputs":[{"name":"y","datatype":"FP32","shape":[-1,2]}],{{setting}}}
            """;

        var error = Assert.Throws<ModelRepositoryException>(() => ModelRepository.ParseConfig(Encoding.UTF8.GetBytes(json), "test"));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ParseConfig_reads_the_versions_execution_settings()
    {
        var json = """
            {"name":"m","version":"1","inputs":[{"name":"x","datatype":"FP32","shape":[-1,2]}],
             "outputs":[{"name":"y","datatype":"FP32","shape":[-1,2]}],"execution_provider":"CUDA","cuda_device_id":2}
            """;

        var config = ModelRepository.ParseConfig(Encoding.UTF8.GetBytes(json), "test");

        Assert.Equal("CUDA", config.ExecutionProvider);
        Assert.Equal(2, config.CudaDeviceId);
    }

    [Fact]
    public void ParseConfig_reports_malformed_json() =>
        Assert.Contains("not a valid model config", Assert.Throws<ModelRepositoryException>(() => ModelRepository.ParseConfig("{\"name\":"u8, "test")).Message);

    internal static ModelConfig SampleConfig(string name, string version) => new()
    {
        Name = name,
        Version = version,
        Inputs = [new TensorSpec("features", "FP32", [-1, 3])],
        Outputs = [new TensorSpec("probabilities", "FP32", [-1, 2])],
        FeatureNames = ["a", "b", "c"],
        Stage = ModelStages.Production,
    };

    private sealed class TestHostEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "Tests";

        public string ContentRootPath { get; set; } = root;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
