using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using OrleansInference.OnnxRuntime.Tests.Models;
using OrleansInference.OnnxRuntime.Tests.Support;

namespace OrleansInference.OnnxRuntime.Tests;

public sealed class SessionFactoryTests
{
    private const int CudaUnavailableEventId = 3102;
    private readonly MlpModel _model = new();

    [Fact]
    public void Create_Cpu_RunsOnCpuWithOfficialRuntime()
    {
        var factory = new OnnxSessionFactory();

        var created = factory.Create(_model.Bytes, new SessionSettings { LogId = "mlp/1" });
        using var session = created.Session;

        Assert.Equal("1.32.0", factory.Version);
        Assert.Equal("CPU", created.ExecutionProvider);
        Assert.Equal(ExecutionProviderKind.Cpu, created.Provider);
        Assert.Null(created.FallbackReason);
        Assert.Equal([MlpModel.InputName], session.InputNames);
        Assert.Equal([MlpModel.OutputName], session.OutputNames);
    }

    [Fact]
    public void Create_CudaWithoutGpu_FallsBackToCpuAndLogsWhyOnce()
    {
        var logger = new CapturingLogger<OnnxSessionFactory>();
        var factory = new OnnxSessionFactory(logger: logger);

        var created = factory.Create(_model.Bytes, new SessionSettings { ExecutionProvider = ExecutionProviderKind.Cuda, CudaDeviceId = 0, LogId = "mlp/1" });
        using var session = created.Session;

        Assert.Equal("CPU", created.ExecutionProvider);
        Assert.Equal(ExecutionProviderKind.Cpu, created.Provider);
        Assert.NotNull(created.FallbackReason);
        Assert.Contains("CUDA execution provider (device 0)", created.FallbackReason, StringComparison.Ordinal);
        var warning = Assert.Single(logger.Entries, e => e.EventId.Id == CudaUnavailableEventId);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("'mlp/1'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CudaWithoutGpu_FallbackOff_RefusesWithReason()
    {
        var factory = new OnnxSessionFactory();
        var settings = new SessionSettings { ExecutionProvider = ExecutionProviderKind.Cuda, CudaDeviceId = 1, AllowCpuFallback = false };

        var error = Assert.Throws<ExecutionProviderUnavailableException>(() => factory.Create(_model.Bytes, settings));

        Assert.Contains("CUDA execution provider (device 1)", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowCpuFallback=false", error.Message, StringComparison.Ordinal);
        // The CPU package has no CUDA entry point; the GPU package without a GPU reports an ONNX Runtime error.
        Assert.True(error.InnerException is EntryPointNotFoundException or OnnxRuntimeException, $"Unexpected inner exception {error.InnerException}.");
    }

    [Fact]
    public void Create_InvalidModel_FailsWithRuntimeError_EvenWhenCudaFallsBack()
    {
        var factory = new OnnxSessionFactory();

        Assert.Throws<OnnxRuntimeException>(() => factory.Create([1, 2, 3, 4], new SessionSettings()));
        Assert.Throws<OnnxRuntimeException>(() => factory.Create([1, 2, 3, 4], new SessionSettings { ExecutionProvider = ExecutionProviderKind.Cuda }));
    }

    [Fact]
    public void AddOnnxRuntime_RegistersOneFactory_SeveralHostsShareTheEnvironment()
    {
        using var first = new ServiceCollection().AddOnnxRuntime().BuildServiceProvider();
        using var second = new ServiceCollection().AddOnnxRuntime(o => o.LogId = "second").BuildServiceProvider();

        var a = first.GetRequiredService<OnnxSessionFactory>();
        var b = second.GetRequiredService<OnnxSessionFactory>();

        Assert.Same(a, first.GetRequiredService<OnnxSessionFactory>());
        Assert.Same(a.Environment, b.Environment);
        using var session = b.Create(_model.Bytes, new SessionSettings()).Session;
        Assert.Single(session.InputNames);
    }
}
