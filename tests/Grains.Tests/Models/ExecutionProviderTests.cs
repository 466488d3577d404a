using System.Text.Json.Nodes;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Tests.Cluster;

namespace OrleansInference.Grains.Tests.Models;

/// <summary>
/// A version configured for CUDA on this GPU-less machine (CPU flavour of ONNX Runtime): it loads on CPU and says so,
/// or, with CPU fallback off, fails to load with the reason. CUDA is asked for silo-wide (<c>OnnxRuntime:*</c>) or by
/// the version's own <c>execution_provider</c> and <c>cuda_device_id</c>.
/// </summary>
public sealed class ExecutionProviderTests
{
    [Fact]
    public async Task CudaConfigured_NoGpu_VersionFallsBackToCpu_ReportsItsProvider_AndServes()
    {
        await using var grid = await GridCluster.StartAsync(silos: 1, new Dictionary<string, string?>
        {
            ["OnnxRuntime:ExecutionProvider"] = "Cuda",
            ["OnnxRuntime:CudaDeviceId"] = "0",
        });
        var version = grid.Client.GetGrain<IModelVersionGrain>("iris/1");

        var status = await version.LoadAsync(CancellationToken.None);

        Assert.True(status.State == ModelVersionState.Ready, $"iris/1 after load: state {status.State}, error '{status.Error}'.");
        Assert.Equal("CPU", status.ExecutionProvider);
        var result = await version.PredictAsync(new PredictRequest(new float[] { 5.1f, 3.5f, 1.4f, 0.2f }, 1, 4), CancellationToken.None);
        Assert.Equal(InferenceStatus.Ok, result.Status);
        Assert.Equal("setosa", result.Rows![0].Label);
    }

    [Fact]
    public async Task CudaConfigured_NoGpu_FallbackOff_VersionFailsToLoadWithTheReason()
    {
        await using var grid = await GridCluster.StartAsync(silos: 1, new Dictionary<string, string?>
        {
            ["OnnxRuntime:ExecutionProvider"] = "Cuda",
            ["OnnxRuntime:AllowCpuFallback"] = "false",
        });
        var version = grid.Client.GetGrain<IModelVersionGrain>("iris/1");

        var status = await version.LoadAsync(CancellationToken.None);

        Assert.Equal(ModelVersionState.Failed, status.State);
        Assert.Null(status.ExecutionProvider);
        Assert.Contains("CUDA execution provider (device 0) could not be used", status.Error, StringComparison.Ordinal);
        Assert.Contains("AllowCpuFallback=false", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VersionAsksForCudaDevice_NoGpu_FallsBackToCpu_AndServes()
    {
        using var repository = new VersionRepository(cudaDeviceId: 3);
        await using var grid = await GridCluster.StartAsync(silos: 1, new Dictionary<string, string?>
        {
            ["ModelRepository:RootPath"] = repository.Root,
            ["OnnxRuntime:CudaDeviceId"] = "0",
        });
        var version = grid.Client.GetGrain<IModelVersionGrain>("iris/1");

        var status = await version.LoadAsync(CancellationToken.None);

        Assert.True(status.State == ModelVersionState.Ready, $"iris/1 after load: state {status.State}, error '{status.Error}'.");
        Assert.Equal("CPU", status.ExecutionProvider);
        var result = await version.PredictAsync(new PredictRequest(new float[] { 5.1f, 3.5f, 1.4f, 0.2f }, 1, 4), CancellationToken.None);
        Assert.Equal("setosa", result.Rows![0].Label);
    }

    [Fact]
    public async Task VersionAsksForCudaDevice_NoGpu_FallbackOff_FailsNamingItsDevice()
    {
        using var repository = new VersionRepository(cudaDeviceId: 3);
        await using var grid = await GridCluster.StartAsync(silos: 1, new Dictionary<string, string?>
        {
            ["ModelRepository:RootPath"] = repository.Root,
            ["OnnxRuntime:ExecutionProvider"] = "Cpu",
            ["OnnxRuntime:CudaDeviceId"] = "0",
            ["OnnxRuntime:AllowCpuFallback"] = "false",
        });
        var version = grid.Client.GetGrain<IModelVersionGrain>("iris/1");

        var status = await version.LoadAsync(CancellationToken.None);

        Assert.Equal(ModelVersionState.Failed, status.State);
        Assert.Null(status.ExecutionProvider);
        Assert.Contains("CUDA execution provider (device 3) could not be used", status.Error, StringComparison.Ordinal);
    }

    /// <summary>A model repository holding a copy of iris/1 whose config asks for CUDA on one device.</summary>
    private sealed class VersionRepository : IDisposable
    {
        public VersionRepository(int cudaDeviceId)
        {
            Root = Path.Combine(Path.GetTempPath(), "oi-ep-" + Guid.NewGuid().ToString("N"));
            var source = Path.Combine(RepositoryRoot.Models(), "iris", "1");
            var target = Directory.CreateDirectory(Path.Combine(Root, "iris", "1")).FullName;
            foreach (var file in Directory.GetFiles(source))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }

            var configPath = Path.Combine(target, "config.json");
            var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
            config["execution_provider"] = "cuda";
            config["cuda_device_id"] = cudaDeviceId;
            File.WriteAllText(configPath, config.ToJsonString());
        }

        public string Root { get; }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }
}
