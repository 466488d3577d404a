using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grains.Experiments.Metrics;
using OrleansInference.Grid.Experiments;

namespace OrleansInference.Grains.Experiments;

/// <summary>
/// One experiment: its definition (durable), the assignment snapshot (swapped atomically on every change), live
/// per-variant counters, the canary ramp and its guardrails, and shadow counters. Changes take turns; routing and
/// recording interleave and never wait for a turn.
/// </summary>
[CollectionAgeLimit(Days = 7)] // holds live per-variant counters that a restart would lose
public sealed partial class ExperimentGrain : Grain, IExperimentGrain
{
    private readonly ModelCatalog _catalog;
    private readonly IExperimentStore _store;
    private readonly ExperimentDirectory _directory;
    private readonly ExperimentMeter _meter;
    private readonly TimeProvider _time;
    private readonly ExperimentOptions _options;
    private readonly ILogger<ExperimentGrain> _logger;
    private string? _id;
    private ShadowCounters _shadow = new();
    private ExperimentInfo? _info;
    private AssignmentTable? _table;
    private ImmutableDictionary<string, VariantCounters> _counters = ImmutableDictionary<string, VariantCounters>.Empty;
    private ImmutableList<ExperimentEvent> _events = [];
    private RampWindow? _window;
    private IDisposable? _rampTimer;
    private long _rollbacks;
    private int _evaluationQueued;

    public ExperimentGrain(
        ModelCatalog catalog,
        IExperimentStore store,
        ExperimentDirectory directory,
        ExperimentMeter meter,
        TimeProvider time,
        IOptions<ExperimentOptions> options,
        ILogger<ExperimentGrain> logger)
    {
        _catalog = catalog;
        _store = store;
        _directory = directory;
        _meter = meter;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    private string Id => _id ??= this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var info = await _store.GetAsync(Id, cancellationToken);
        if (info is null)
        {
            return;
        }

        _events = [.. await _store.GetEventsAsync(Id, cancellationToken)];
        _rollbacks = _events.Count(e => e.Kind == ExperimentEventKinds.Rollback);
        Apply(info);
        if (info.State == ExperimentState.Ramping && info.Ramp is { } ramp)
        {
            _window = new RampWindow(ramp.Plan.Variant, info.Baseline.Name);
            StartRampTimer(ramp.Plan);
        }
    }

    /// <inheritdoc />
    public async Task<ExperimentInfo> CreateAsync(ExperimentDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (_info is not null)
        {
            throw new ExperimentException(ExperimentErrorKind.Conflict, $"Experiment '{Id}' already exists.");
        }

        if (definition.Id != Id)
        {
            throw new ExperimentException(ExperimentErrorKind.Invalid, $"'id' is '{definition.Id}' but the experiment grain is '{Id}'.");
        }

        // The replica may not know a version registered moments ago through another node.
        await _catalog.RefreshAsync(cancellationToken);
        ExperimentValidator.Validate(definition, _catalog);
        var holder = await _directory.ClaimAsync(definition.Model, Id, cancellationToken);
        if (holder != Id)
        {
            throw new ExperimentException(ExperimentErrorKind.Conflict,
                $"Model '{definition.Model}' already has the active experiment '{holder}'; promote or abort it first.");
        }

        var now = _time.GetUtcNow();
        var info = new ExperimentInfo(Id, definition.Model, ExperimentState.Running, [.. definition.Variants],
            new Dictionary<string, string>(definition.Overrides ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            definition.ShadowVersion, definition.PlannedSampleSize, null, 1, now, now);
        try
        {
            await _store.SaveAsync(info, cancellationToken);
        }
        catch
        {
            await _directory.ReleaseAsync(definition.Model, Id, CancellationToken.None);
            throw;
        }

        var split = string.Join(", ", info.Variants.Select(v => $"{v.Name}={v.Version}@{v.Weight}%"));
        await PublishAsync(info, ExperimentEventKinds.Created, $"Experiment '{Id}' on model '{info.Model}' created: {split}.", null, cancellationToken);
        Log.Created(_logger, Id, info.Model, split);
        return info;
    }

    /// <inheritdoc />
    public Task<ExperimentInfo?> GetAsync(CancellationToken cancellationToken) => Task.FromResult(Volatile.Read(ref _info));

    /// <inheritdoc />
    public async Task<ExperimentInfo> UpdateAsync(ExperimentUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var info = RequireActive();
        var variants = info.Variants;
        var state = info.State;
        if (update.Weights is { Count: > 0 } weights)
        {
            if (info.State == ExperimentState.Ramping)
            {
                throw new ExperimentException(ExperimentErrorKind.Conflict, $"Experiment '{Id}' is ramping and the ramp sets the weights; promote or abort it first.");
            }

            foreach (var (name, weight) in weights)
            {
                if (!variants.Any(v => v.Name == name))
                {
                    throw new ExperimentException(ExperimentErrorKind.Invalid, $"'weights.{name}' names no variant; variants: {string.Join(", ", variants.Select(v => v.Name))}.");
                }

                if (weight is < 0 or > 100)
                {
                    throw new ExperimentException(ExperimentErrorKind.Invalid, $"'weights.{name}' is {weight}; expected 0 to 100.");
                }
            }

            variants = [.. variants.Select(v => v with { Weight = weights.TryGetValue(v.Name, out var w) ? w : v.Weight })];
            var total = variants.Sum(v => v.Weight);
            if (total != 100)
            {
                throw new ExperimentException(ExperimentErrorKind.Invalid, $"'weights' make the variants sum to {total}; weights are percentages and must sum to 100.");
            }

            state = ExperimentState.Running;
        }

        var overrides = new Dictionary<string, string>(info.Overrides, StringComparer.Ordinal);
        if (update.Overrides is { Count: > 0 } changes)
        {
            ExperimentValidator.CheckOverrides(changes.Select(c => (c.Key, c.Value)), variants.Select(v => v.Name).ToHashSet(StringComparer.Ordinal));
            foreach (var (user, variant) in changes)
            {
                if (variant is null)
                {
                    overrides.Remove(user);
                }
                else
                {
                    overrides[user] = variant;
                }
            }

            if (overrides.Count > ExperimentValidator.MaxOverrides)
            {
                throw new ExperimentException(ExperimentErrorKind.Invalid, $"'overrides' would hold {overrides.Count} entries; at most {ExperimentValidator.MaxOverrides} are allowed.");
            }
        }

        var shadow = info.ShadowVersion;
        if (update.ShadowVersion is { } requested)
        {
            shadow = requested.Length == 0 ? null : requested;
            if (shadow is not null && !_catalog.TryGet(info.Model, shadow, out _))
            {
                throw new ExperimentException(ExperimentErrorKind.NotFound, $"'shadow_version': model '{info.Model}' has no version '{shadow}'.");
            }
        }

        if (shadow != info.ShadowVersion)
        {
            // Agreement is per shadow version: a new one starts from zero.
            Volatile.Write(ref _shadow, new ShadowCounters());
        }

        return await SaveAsync(info with { Variants = variants, Overrides = overrides, State = state, ShadowVersion = shadow }, ExperimentEventKinds.Updated,
            $"Weights {string.Join(", ", variants.Select(v => $"{v.Name}={v.Weight}%"))}; {overrides.Count} overrides; shadow {shadow ?? "none"}.", null, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ExperimentInfo> PromoteAsync(string? variant, CancellationToken cancellationToken)
    {
        var info = RequireActive();
        var name = variant ?? info.Ramp?.Plan.Variant
            ?? throw new ExperimentException(ExperimentErrorKind.Invalid, "'variant' is required: no ramp names a candidate to promote.");
        var chosen = info.Variants.FirstOrDefault(v => v.Name == name)
            ?? throw new ExperimentException(ExperimentErrorKind.Invalid, $"'variant' is '{name}', which is not a variant of experiment '{Id}'.");
        try
        {
            // The promoted version keeps the model's replica count.
            var model = GrainFactory.GetGrain<IModelGrain>(info.Model);
            var current = await model.GetDeploymentAsync(cancellationToken);
            await model.DeployAsync(chosen.Version, 100, current?.Replicas, cancellationToken);
        }
        catch (ModelOperationException ex)
        {
            throw new ExperimentException(ExperimentErrorKind.Conflict, $"Promoting '{name}' ({info.Model}/{chosen.Version}) failed: {ex.Message}");
        }

        StopRampTimer();
        var variants = info.Variants.Select(v => v with { Weight = v.Name == name ? 100 : 0 }).ToList();
        var promoted = await SaveAsync(info with { State = ExperimentState.Promoted, Variants = variants }, ExperimentEventKinds.Promoted,
            $"Variant '{name}' ({info.Model}/{chosen.Version}) promoted: it now serves all of the model's traffic.", null, cancellationToken);
        await _directory.ReleaseAsync(info.Model, Id, cancellationToken);
        Log.Promoted(_logger, Id, name, chosen.Version);
        return promoted;
    }

    /// <inheritdoc />
    public async Task<ExperimentInfo> AbortAsync(string? reason, CancellationToken cancellationToken)
    {
        var info = RequireActive();
        StopRampTimer();
        var aborted = await SaveAsync(info with { State = ExperimentState.Aborted }, ExperimentEventKinds.Aborted,
            $"Experiment aborted{(reason is null ? "." : ": " + reason)}; the model's deployment serves all traffic.", null, cancellationToken);
        await _directory.ReleaseAsync(info.Model, Id, cancellationToken);
        Log.Aborted(_logger, Id, reason ?? "no reason given");
        return aborted;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ExperimentEvent>> GetEventsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExperimentEvent>>(Volatile.Read(ref _events));

    private ExperimentInfo RequireActive()
    {
        var info = _info ?? throw new ExperimentException(ExperimentErrorKind.NotFound, $"Experiment '{Id}' does not exist.");
        return info.IsActive
            ? info
            : throw new ExperimentException(ExperimentErrorKind.Conflict, $"Experiment '{Id}' has ended ({info.State}); create a new one.");
    }

    /// <summary>Persists a new state and the event that explains it, then publishes both (see <see cref="PublishAsync"/>).</summary>
    private async Task<ExperimentInfo> SaveAsync(
        ExperimentInfo info, string eventKind, string eventMessage, IReadOnlyDictionary<string, double>? evidence, CancellationToken cancellationToken)
    {
        var saved = info with { Revision = info.Revision + 1, UpdatedAt = _time.GetUtcNow() };
        await _store.SaveAsync(saved, cancellationToken);
        await PublishAsync(saved, eventKind, eventMessage, evidence, cancellationToken);
        return saved;
    }

    /// <summary>
    /// Persists the event of a saved state, then makes both visible, the event first: reads interleave with changes, and
    /// whoever sees a state (a rollback, a promotion) must find the event that explains it.
    /// </summary>
    private async Task PublishAsync(
        ExperimentInfo saved, string eventKind, string eventMessage, IReadOnlyDictionary<string, double>? evidence, CancellationToken cancellationToken)
    {
        var entry = new ExperimentEvent(_time.GetUtcNow(), eventKind, eventMessage, evidence);
        await _store.AppendEventAsync(Id, entry, cancellationToken);
        Volatile.Write(ref _events, _events.Add(entry));
        Apply(saved);
    }

    private void Apply(ExperimentInfo info)
    {
        if (_counters.Count == 0)
        {
            _counters = info.Variants.ToImmutableDictionary(v => v.Name, _ => new VariantCounters(), StringComparer.Ordinal);
        }

        Volatile.Write(ref _table, info.IsActive ? new AssignmentTable(info) : null);
        Volatile.Write(ref _info, info);
    }
}
