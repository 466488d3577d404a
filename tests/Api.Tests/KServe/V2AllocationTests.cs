using System.Globalization;
using System.Text;
using OrleansInference.Api.KServe;
using Xunit.Abstractions;

namespace OrleansInference.Api.Tests.KServe;

public sealed class V2AllocationTests(ITestOutputHelper output)
{
    /// <summary>
    /// The managed bytes a 30-float request costs to read, buffers excepted (they are pooled): the request, tensor
    /// and list objects, the shape and the strings. A budget, not a timing.
    /// </summary>
    private const long BudgetBytes = 1024;

    [Fact]
    public void Reading_a_30_float_request_allocates_within_budget()
    {
        var values = string.Join(",", Enumerable.Range(0, 30).Select(i => (i * 0.37f).ToString("R", CultureInfo.InvariantCulture)));
        var body = Encoding.UTF8.GetBytes($$"""{"id":"a1","inputs":[{"name":"features","shape":[1,30],"datatype":"FP32","data":[{{values}}]}]}""");
        for (var i = 0; i < 100; i++)
        {
            V2InferRequestReader.Read(body).Request!.Dispose();
        }

        const int iterations = 1000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < iterations; i++)
        {
            V2InferRequestReader.Read(body).Request!.Dispose();
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / iterations;
        output.WriteLine($"V2InferRequestReader.Read, 30 FP32 elements ({body.Length} bytes): {perCall} bytes allocated per call.");
        Assert.True(perCall <= BudgetBytes, $"Reading a 30-float request allocated {perCall} bytes per call; the budget is {BudgetBytes}.");
    }
}
