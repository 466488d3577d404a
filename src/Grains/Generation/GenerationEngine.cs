using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;
using OrleansInference.Grains.Execution;
using OrleansInference.Grid.Repository;
using OrleansInference.Grains.Telemetry;

namespace OrleansInference.Grains.Generation;

/// <summary>
/// The continuous (iteration-level) batcher of one generative model version: every active sequence advances together,
/// one model run per step, over a key/value cache with one slot per sequence. Requests join at the next step (their
/// prompt fed in chunks of at most <see cref="GenerationOptions.MaxPromptTokensPerStep"/>), finished and cancelled ones
/// leave before it; beyond <see cref="GenerationOptions.MaxActiveSequences"/> they wait in a queue of at most
/// <see cref="GenerationOptions.MaxQueuedRequests"/>, and beyond that they are refused (queue full, retry after).
/// </summary>
/// <remarks>
/// The cache of layer l is two arrays <c>[slots, heads, context, head_dim]</c>; active sequences occupy slots
/// 0..n-1 (a leaving sequence's slot takes the last one's), so each step passes the first n slots to the model as they
/// are, with an attention mask of the filled positions, and writes back only the step's new keys and values. The arrays
/// are <see cref="NativeTensorMemory"/>, which the runner binds in place: a step reads the cache without copying it.
/// One thread runs the steps; requests and cancellations reach it through a lock-protected queue and flags.
/// </remarks>
internal sealed partial class GenerationEngine : IAsyncDisposable
{
    private readonly IModelRunner _runner;
    private readonly TextTokenizer _tokenizer;
    private readonly GenerationOptions _options;
    private readonly GenerationMetrics _metrics;
    private readonly string _model;
    private readonly string _version;
    private readonly string _key;
    private readonly ILogger _logger;
    private readonly int _layers;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly int _context;
    private readonly int _cacheLength;
    private readonly bool _rightAligned;
    private readonly int _slotFloats;
    private readonly NativeTensorMemory[] _keys;
    private readonly NativeTensorMemory[] _values;
    private readonly int[] _inputOrder;
    private readonly string[] _outputNames;
    private readonly List<GenerationSequence> _active = [];
    private readonly Queue<GenerationSequence> _queue = new();
    private readonly Lock _gate = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private int _activeCount;
    private long _steps;
    private long _batchedSteps;
    private int _largestStep;

    public GenerationEngine(
        IModelRunner runner, GenerationConfig config, TextTokenizer tokenizer, GenerationOptions options, GenerationMetrics metrics,
        string model, string version, ILogger logger)
    {
        _runner = runner;
        _tokenizer = tokenizer;
        _options = options;
        _metrics = metrics;
        _model = model;
        _version = version;
        _key = $"{model}/{version}";
        _logger = logger;
        _layers = config.Layers;
        _heads = config.Heads;
        _headDim = config.HeadDim;
        _context = config.Context;
        _rightAligned = config.AttentionWindow > 1;
        _cacheLength = _rightAligned ? Math.Min(config.AttentionWindow - 1, _context) : _context;
        _slotFloats = checked(_heads * _cacheLength * _headDim);
        var slots = options.MaxActiveSequences;
        _keys = new NativeTensorMemory[_layers];
        _values = new NativeTensorMemory[_layers];
        for (var l = 0; l < _layers; l++)
        {
            _keys[l] = new NativeTensorMemory(checked(slots * _slotFloats * sizeof(float)));
            _values[l] = new NativeTensorMemory(checked(slots * _slotFloats * sizeof(float)));
        }

        // The runner binds inputs in the session's order: find where each of ours goes.
        var ours = new List<string> { "input_ids", "position_ids", "attention_mask" };
        for (var l = 0; l < _layers; l++)
        {
            ours.Add($"past_key_{l}");
            ours.Add($"past_value_{l}");
        }

        if (!tokenizer.IsCharacterLevel)
        {
            throw new ModelRepositoryException($"Model '{_key}' is configured for generation, which needs a character tokenizer (kind 'char').");
        }

        var names = runner.Inputs.Select(i => i.Name).ToList();
        if (names.Count != ours.Count || ours.Any(n => !names.Contains(n)))
        {
            throw new ModelRepositoryException(
                $"Model '{_key}' is configured for generation with {_layers} layers, so it needs inputs {string.Join(", ", ours)}; it has {string.Join(", ", names)}.");
        }

        _inputOrder = names.Select(n => ours.IndexOf(n)).ToArray();
        var outputs = new List<string> { "logits" };
        for (var l = 0; l < _layers; l++)
        {
            outputs.Add($"new_key_{l}");
            outputs.Add($"new_value_{l}");
        }

        var missing = outputs.Where(o => runner.Outputs.All(r => r.Name != o)).ToList();
        if (missing.Count > 0)
        {
            throw new ModelRepositoryException($"Model '{_key}' is configured for generation but has no output {string.Join(", ", missing)}.");
        }

        _outputNames = [.. outputs];
        _thread = new Thread(Loop) { IsBackground = true, Name = $"generation {_key}" };
        _thread.Start();
    }

    /// <summary>Sequences advanced together now.</summary>
    public int ActiveSequences => Volatile.Read(ref _activeCount);

    /// <summary>Steps run, steps that advanced more than one sequence, and the most sequences one step advanced.</summary>
    public (long Steps, long BatchedSteps, int LargestStep) StepCounts => (Interlocked.Read(ref _steps), Interlocked.Read(ref _batchedSteps), Volatile.Read(ref _largestStep));

    /// <summary>Checks a request against the model and the limits; null when it can run.</summary>
    public string? Validate(GenerateRequest request, List<int> prompt)
    {
        if (string.IsNullOrEmpty(request.Prompt))
        {
            return "'prompt' must hold at least one character.";
        }

        if (!_tokenizer.TryEncode(request.Prompt, prompt, out var unknown))
        {
            return $"'prompt' holds '{unknown}' (U+{char.ConvertToUtf32(unknown!, 0):X4}), which model '{_key}' does not know; its vocabulary is {_tokenizer.Describe()}.";
        }

        var limit = Math.Min(_options.MaxTokensLimit, _context - 1);
        if (request.MaxTokens < 1 || request.MaxTokens > limit)
        {
            return $"'max_tokens' is {request.MaxTokens}; model '{_key}' takes 1 to {limit}.";
        }

        if (prompt.Count + request.MaxTokens > _context)
        {
            return $"The prompt ({prompt.Count} tokens) and 'max_tokens' ({request.MaxTokens}) exceed the context of model '{_key}' ({_context} tokens); shorten the prompt or lower max_tokens.";
        }

        if (!(request.Temperature >= 0f && request.Temperature <= 10f))
        {
            return $"'temperature' is {request.Temperature}; expected 0 to 10.";
        }

        if (request.TopK < 0)
        {
            return $"'top_k' is {request.TopK}; expected 0 (all tokens) or more.";
        }

        if (!(request.TopP > 0f && request.TopP <= 1f))
        {
            return $"'top_p' is {request.TopP}; expected more than 0 and at most 1.";
        }

        if (request.Stop is { } stops && (stops.Count > 4 || stops.Any(s => string.IsNullOrEmpty(s) || s.Length > 64)))
        {
            return "'stop' takes at most 4 texts of 1 to 64 characters each.";
        }

        return null;
    }

    /// <summary>
    /// Runs one generation: one Error event when it is invalid or the queue is full, otherwise its tokens and a Done
    /// event. The sequence leaves the batch at the next step once the caller stops reading or cancels.
    /// </summary>
    public async IAsyncEnumerable<GenerationEvent> GenerateAsync(GenerateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var prompt = new List<int>();
        if (Validate(request, prompt) is { } error)
        {
            yield return GenerationEvent.Failed(InferenceStatus.InvalidInput, error);
            yield break;
        }

        var seed = request.Seed ?? Random.Shared.NextInt64();
        var sequence = new GenerationSequence(
            [.. prompt], request.MaxTokens, new TokenSampler(request.Temperature, request.TopK, request.TopP, seed, _tokenizer.VocabularySize),
            new StopMatcher(request.Stop));
        if (!TryEnqueue(sequence, out var refusal))
        {
            yield return refusal;
            yield break;
        }

        try
        {
            var reader = sequence.Events.Reader;
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            if (sequence.Cancel())
            {
                _wake.Set();
            }
        }
    }

    /// <summary>Runs one token through the model so the first request does not pay for initialization.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var sequence = new GenerationSequence([0], 1, new TokenSampler(0f, 0, 1f, 0, _tokenizer.VocabularySize), new StopMatcher(null));
        if (!TryEnqueue(sequence, out var refusal))
        {
            throw new InvalidOperationException($"Warm-up of '{_key}' failed: {refusal.Error}");
        }

        await foreach (var item in sequence.Events.Reader.ReadAllAsync(cancellationToken))
        {
            if (item.Kind == GenerationEventKind.Error)
            {
                throw new InvalidOperationException($"Warm-up of '{_key}' failed: {item.Error}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
            _wake.Set();
        }

        await _stopped.Task;
        _stopping.Dispose();
        _wake.Dispose();

        // The step thread has stopped, so no run binds the cache any more.
        for (var l = 0; l < _layers; l++)
        {
            ((IDisposable)_keys[l]).Dispose();
            ((IDisposable)_values[l]).Dispose();
        }
    }

    private bool TryEnqueue(GenerationSequence sequence, out GenerationEvent refusal)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                refusal = GenerationEvent.Failed(InferenceStatus.Unavailable, $"Model '{_key}' is unloading.", TimeSpan.FromSeconds(_options.RetryAfterSeconds));
                return false;
            }

            if (_queue.Count + _activeCount >= _options.MaxActiveSequences + _options.MaxQueuedRequests)
            {
                refusal = GenerationEvent.Failed(
                    InferenceStatus.QueueFull,
                    $"Model '{_key}' is generating {_activeCount} sequences with {_queue.Count} requests waiting, its limit ({_options.MaxActiveSequences} active, {_options.MaxQueuedRequests} queued); retry later.",
                    TimeSpan.FromSeconds(_options.RetryAfterSeconds));
                return false;
            }

            _queue.Enqueue(sequence);
        }

        _metrics.QueuedChanged(_model, _version, +1);
        _wake.Set();
        refusal = null!;
        return true;
    }

    private void Loop()
    {
        var token = _stopping.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                _wake.Reset();
                Prune();
                Admit();
                if (_active.Count == 0)
                {
                    _wake.Wait(token);
                    continue;
                }

                Step(token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.LoopFailed(_logger, _key, ex);
        }
        finally
        {
            StopAll();
            _stopped.TrySetResult();
        }
    }

    /// <summary>Removes finished and cancelled sequences; the last active sequence moves into each freed slot.</summary>
    private void Prune()
    {
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            var sequence = _active[i];
            if (!sequence.Finished && !sequence.IsCancelled)
            {
                continue;
            }

            if (!sequence.Finished)
            {
                sequence.Finished = true;
                sequence.Events.Writer.TryComplete();
                _metrics.Finished(_model, _version, "cancelled");
            }

            var last = _active.Count - 1;
            if (i != last)
            {
                _active[i] = _active[last];
                var bytes = _slotFloats * sizeof(float);
                for (var l = 0; l < _layers; l++)
                {
                    _keys[l].GetSpan().Slice(last * bytes, bytes).CopyTo(_keys[l].GetSpan()[(i * bytes)..]);
                    _values[l].GetSpan().Slice(last * bytes, bytes).CopyTo(_values[l].GetSpan()[(i * bytes)..]);
                }
            }

            _active.RemoveAt(last);
            Volatile.Write(ref _activeCount, _active.Count);
            _metrics.ActiveChanged(_model, _version, -1);
        }
    }

    private void Admit()
    {
        while (_active.Count < _options.MaxActiveSequences)
        {
            GenerationSequence? next;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out next))
                {
                    return;
                }

                _metrics.QueuedChanged(_model, _version, -1);
                if (next.IsCancelled)
                {
                    next.Finished = true;
                    next.Events.Writer.TryComplete();
                    _metrics.Finished(_model, _version, "cancelled");
                    continue;
                }

                _active.Add(next);
                Volatile.Write(ref _activeCount, _active.Count);
            }

            _metrics.ActiveChanged(_model, _version, +1);
        }
    }

    /// <summary>Feeds every active sequence its next tokens in one run, writes the new keys and values, samples.</summary>
    private void Step(CancellationToken cancellationToken)
    {
        var n = _active.Count;
        var width = 1;
        foreach (var sequence in _active)
        {
            sequence.StepTokens = sequence.PromptFed < sequence.Prompt.Length
                ? Math.Min(_options.MaxPromptTokensPerStep, sequence.Prompt.Length - sequence.PromptFed)
                : 1;
            width = Math.Max(width, sequence.StepTokens);
        }

        var total = _cacheLength + width;
        var ids = new long[n * width];
        var positions = new long[n * width];
        var mask = new long[n * total];
        for (var i = 0; i < n; i++)
        {
            var sequence = _active[i];
            for (var j = 0; j < width; j++)
            {
                var real = j < sequence.StepTokens;
                ids[i * width + j] = !real ? 0 : sequence.PromptFed < sequence.Prompt.Length ? sequence.Prompt[sequence.PromptFed + j] : sequence.LastToken;
                positions[i * width + j] = real ? sequence.Length + j : sequence.Length;
                mask[i * total + _cacheLength + j] = real ? 1 : 0;
            }

            if (_rightAligned)
            {
                var kept = Math.Min(sequence.Length, _cacheLength);
                mask.AsSpan(i * total + _cacheLength - kept, kept).Fill(1);
            }
            else
            {
                mask.AsSpan(i * total, sequence.Length).Fill(1);
            }
        }

        var inputs = new NamedTensor[3 + 2 * _layers];
        var cacheShape = new long[] { n, _heads, _cacheLength, _headDim };
        var cacheBytes = n * _slotFloats * sizeof(float);
        Place("input_ids", 0, Int64Tensor("input_ids", [n, width], ids));
        Place("position_ids", 1, Int64Tensor("position_ids", [n, width], positions));
        Place("attention_mask", 2, Int64Tensor("attention_mask", [n, total], mask));
        for (var l = 0; l < _layers; l++)
        {
            Place($"past_key_{l}", 3 + 2 * l, new NamedTensor($"past_key_{l}", TensorDataType.Float32, cacheShape, _keys[l].Memory[..cacheBytes]));
            Place($"past_value_{l}", 4 + 2 * l, new NamedTensor($"past_value_{l}", TensorDataType.Float32, cacheShape, _values[l].Memory[..cacheBytes]));
        }

        NamedTensor[] outputs;
        try
        {
            outputs = _runner.Run(0, inputs, _outputNames, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.StepFailed(_logger, _key, n, ex);
            foreach (var sequence in _active)
            {
                if (!sequence.Finished)
                {
                    sequence.Complete(GenerationEvent.Failed(InferenceStatus.ModelFailure, $"Model '{_key}' failed while generating: {ex.Message}"));
                    _metrics.Finished(_model, _version, "failed");
                }
            }

            return;
        }

        try
        {
            Interlocked.Increment(ref _steps);
            if (n > 1)
            {
                Interlocked.Increment(ref _batchedSteps);
            }

            if (n > _largestStep)
            {
                Volatile.Write(ref _largestStep, n);
            }

            _metrics.Step(_model, _version, n);
            WriteCache(outputs, n, width);
            Sample(outputs[0].AsSpan<float>(), n, width);
        }
        finally
        {
            foreach (var output in outputs)
            {
                output.Dispose();
            }
        }

        void Place(string name, int ours, NamedTensor tensor) => inputs[Array.IndexOf(_inputOrder, ours)] = tensor;
    }

    private static NamedTensor Int64Tensor(string name, long[] shape, long[] values) =>
        new(name, TensorDataType.Int64, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>Copies each sequence's new keys and values (<c>[n, heads, width, head_dim]</c>) into its slot.</summary>
    private void WriteCache(NamedTensor[] outputs, int n, int width)
    {
        for (var l = 0; l < _layers; l++)
        {
            var newKeys = outputs[1 + 2 * l].AsSpan<float>();
            var newValues = outputs[2 + 2 * l].AsSpan<float>();
            var keys = MemoryMarshal.Cast<byte, float>(_keys[l].GetSpan());
            var values = MemoryMarshal.Cast<byte, float>(_values[l].GetSpan());
            for (var i = 0; i < n; i++)
            {
                var sequence = _active[i];
                for (var h = 0; h < _heads; h++)
                {
                    var source = ((i * _heads + h) * width) * _headDim;
                    var slot = (i * _heads + h) * _cacheLength * _headDim;
                    if (_rightAligned)
                    {
                        // Keep the last cacheLength keys, newest last: shift the kept ones left, append the step's.
                        var added = Math.Min(sequence.StepTokens, _cacheLength);
                        var skipped = sequence.StepTokens - added;
                        var region = _cacheLength * _headDim;
                        var moved = (_cacheLength - added) * _headDim;
                        var count = added * _headDim;
                        keys.Slice(slot + count, moved).CopyTo(keys.Slice(slot, moved));
                        values.Slice(slot + count, moved).CopyTo(values.Slice(slot, moved));
                        newKeys.Slice(source + skipped * _headDim, count).CopyTo(keys.Slice(slot + region - count, count));
                        newValues.Slice(source + skipped * _headDim, count).CopyTo(values.Slice(slot + region - count, count));
                    }
                    else
                    {
                        var target = slot + sequence.Length * _headDim;
                        var count = sequence.StepTokens * _headDim;
                        newKeys.Slice(source, count).CopyTo(keys.Slice(target, count));
                        newValues.Slice(source, count).CopyTo(values.Slice(target, count));
                    }
                }
            }
        }
    }

    /// <summary>Advances every sequence past this step; those whose prompt is in sample their next token.</summary>
    private void Sample(ReadOnlySpan<float> logits, int n, int width)
    {
        var vocabulary = _tokenizer.VocabularySize;
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            var sequence = _active[i];
            var prefill = sequence.PromptFed < sequence.Prompt.Length;
            sequence.Length += sequence.StepTokens;
            if (prefill)
            {
                sequence.PromptFed += sequence.StepTokens;
                if (sequence.PromptFed < sequence.Prompt.Length)
                {
                    continue;
                }
            }

            if (sequence.IsCancelled)
            {
                continue;
            }

            var row = logits.Slice(((i * width) + sequence.StepTokens - 1) * vocabulary, vocabulary);
            var next = sequence.Sampler.Next(row);
            sequence.LastToken = next;
            sequence.Generated++;
            if (sequence.LastTokenAt == 0)
            {
                _metrics.FirstToken(_model, _version, Stopwatch.GetElapsedTime(sequence.Admitted, now));
            }
            else
            {
                _metrics.InterToken(_model, _version, Stopwatch.GetElapsedTime(sequence.LastTokenAt, now));
            }

            sequence.LastTokenAt = now;
            _metrics.Token(_model, _version);
            var text = sequence.Stops.Append(_tokenizer.Decode(next));
            if (text.Length > 0)
            {
                sequence.Events.Writer.TryWrite(GenerationEvent.Token(text, sequence.Generated - 1));
            }

            string? reason = sequence.Stops.Stopped ? "stop" : sequence.Generated >= sequence.MaxTokens ? "length" : null;
            if (reason is not null)
            {
                if (sequence.Stops.Flush() is { Length: > 0 } rest)
                {
                    sequence.Events.Writer.TryWrite(GenerationEvent.Token(rest, sequence.Generated - 1));
                }

                sequence.Complete(GenerationEvent.Done(reason, sequence.Prompt.Length, sequence.Generated));
                _metrics.Finished(_model, _version, reason);
            }
        }
    }

    /// <summary>Ends every active and queued sequence when the version unloads.</summary>
    private void StopAll()
    {
        List<GenerationSequence> ending;
        lock (_gate)
        {
            ending = [.. _active, .. _queue];
            _metrics.QueuedChanged(_model, _version, -_queue.Count);
            _queue.Clear();
        }

        foreach (var sequence in ending)
        {
            if (!sequence.Finished)
            {
                sequence.Complete(GenerationEvent.Failed(InferenceStatus.Unavailable, $"Model '{_key}' unloaded while generating.", TimeSpan.FromSeconds(_options.RetryAfterSeconds)));
            }
        }

        _metrics.ActiveChanged(_model, _version, -_active.Count);
        _active.Clear();
        Volatile.Write(ref _activeCount, 0);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1700, Level = LogLevel.Error, Message = "Generation step of {Key} with {Sequences} sequences failed; they end with an error.")]
        public static partial void StepFailed(ILogger logger, string key, int sequences, Exception exception);

        [LoggerMessage(EventId = 1701, Level = LogLevel.Critical, Message = "The generation loop of {Key} stopped; the version generates nothing until it is reloaded.")]
        public static partial void LoopFailed(ILogger logger, string key, Exception exception);
    }
}
