using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Tests.Cluster;

namespace OrleansInference.Grains.Tests.Models;

/// <summary>
/// A version configured for CUDA on this GPU-less machine (CPU flavour of ONNX Runtime): it loads on CPU and says so,
/// or, with CPU fallback off, fails to load with the reason.
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
}
