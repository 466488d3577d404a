using OrleansInference.Contracts.Inference;
using OrleansInference.Grains.Batching;
using OrleansInference.Grains.Execution;
using OrleansInference.Grains.Telemetry;

namespace OrleansInference.Grains.Models;

/// <summary>
/// Runs a formed batch: stacks each input across requests, runs one session once, and slices every output back
/// into per-request tensors. Requests in one batch may ask for different outputs; the union is computed.
/// </summary>
internal sealed class ModelBatchExecutor : IBatchExecutor<BatchRequest, NamedTensor[]>
{
    private readonly IModelRunner _runner;
    private readonly string[] _allOutputs;
    private readonly ServingMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly string _model;
    private readonly string _version;

    public ModelBatchExecutor(IModelRunner runner, ServingMetrics metrics, TimeProvider time, string model, string version)
    {
        _time = time;
        _runner = runner;
        _metrics = metrics;
        _model = model;
        _version = version;
        _allOutputs = runner.Outputs.Select(o => o.Name).ToArray();
    }

    public ValueTask ExecuteAsync(Batch<BatchRequest, NamedTensor[]> batch, int instance, CancellationToken cancellationToken)
    {
        var items = batch.Items;
        var started = _time.GetTimestamp();
        for (var i = 0; i < items.Count; i++)
        {
            _metrics.RecordQueued(_model, _version, _time.GetElapsedTime(items[i].EnqueuedTimestamp, started));
        }

        if (items.Count == 1)
        {
            // A batch of one (the idle path): the request's own tensors in, its own outputs out, nothing to stack or slice.
            var request = items[0].Request;
            _metrics.RecordBatch(_model, _version, request.Rows);
            var single = _runner.Run(instance, request.Inputs, request.Outputs, cancellationToken);
            _metrics.RecordCompute(_model, _version, _time.GetElapsedTime(started));
            items[0].Complete(single);
            return ValueTask.CompletedTask;
        }

        var inputCount = _runner.Inputs.Count;
        var stacked = new NamedTensor[inputCount];
        var parts = new List<NamedTensor>(items.Count);
        long totalRows = 0;
        for (var i = 0; i < items.Count; i++)
        {
            totalRows += items[i].Request.Rows;
        }

        try
        {
            for (var input = 0; input < inputCount; input++)
            {
                parts.Clear();
                for (var i = 0; i < items.Count; i++)
                {
                    parts.Add(items[i].Request.Inputs[input]);
                }

                stacked[input] = TensorBatching.Concatenate(parts);
            }

            _metrics.RecordBatch(_model, _version, totalRows);
            var outputs = _runner.Run(instance, stacked, _allOutputs, cancellationToken);
            _metrics.RecordCompute(_model, _version, _time.GetElapsedTime(started));
            long offset = 0;
            for (var i = 0; i < items.Count; i++)
            {
                var request = items[i].Request;
                var result = new NamedTensor[request.Outputs.Count];
                for (var o = 0; o < request.Outputs.Count; o++)
                {
                    var batched = outputs[Array.IndexOf(_allOutputs, request.Outputs[o])];
                    result[o] = TensorBatching.Slice(batched, totalRows, offset, request.Rows);
                }

                offset += request.Rows;
                items[i].Complete(result);
            }

            foreach (var output in outputs)
            {
                output.Dispose();
            }
        }
        finally
        {
            foreach (var tensor in stacked)
            {
                tensor?.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }
}
