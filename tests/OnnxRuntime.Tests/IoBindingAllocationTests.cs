using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrleansInference.OnnxRuntime.Tests.Models;
using OrleansInference.OnnxRuntime.Tests.Support;

namespace OrleansInference.OnnxRuntime.Tests;

/// <summary>
/// The steady-state pattern the benchmarks measure: a session's <see cref="OrtIoBinding"/> bound once to
/// <see cref="OrtValue"/>s over pinned, preallocated buffers, then run repeatedly.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class IoBindingAllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(512)]
    public void RunWithBinding_BoundOnce_AllocatesNothingPerRun(int batch)
    {
        var model = new MlpModel();
        var factory = new OnnxSessionFactory();
        using var session = factory.Create(model.Bytes, new SessionSettings()).Session;
        var features = MlpModel.CreateInput(batch, seed: batch);
        var probabilities = new float[batch * MlpModel.Classes];
        var inputPin = GCHandle.Alloc(features, GCHandleType.Pinned);
        var outputPin = GCHandle.Alloc(probabilities, GCHandleType.Pinned);
        try
        {
            using var input = OrtValue.CreateTensorValueWithData(
                OrtMemoryInfo.DefaultInstance, TensorElementType.Float, [batch, MlpModel.Features], inputPin.AddrOfPinnedObject(), features.Length * sizeof(float));
            using var output = OrtValue.CreateTensorValueWithData(
                OrtMemoryInfo.DefaultInstance, TensorElementType.Float, [batch, MlpModel.Classes], outputPin.AddrOfPinnedObject(), probabilities.Length * sizeof(float));
            using var runOptions = new RunOptions();
            using var binding = session.CreateIoBinding();
            binding.BindInput(MlpModel.InputName, input);
            binding.BindOutput(MlpModel.OutputName, output);
            for (var i = 0; i < 100; i++)
            {
                session.RunWithBinding(runOptions, binding);
            }

            const int Runs = 2_000;
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Runs; i++)
            {
                session.RunWithBinding(runOptions, binding);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < Runs, $"Batch {batch}: {allocated} bytes allocated over {Runs} runs (budget: under one byte per run).");
            Tensors.AssertClose(model.Reference(features, batch), probabilities, 1e-5f);
        }
        finally
        {
            inputPin.Free();
            outputPin.Free();
        }
    }
}
