namespace OrleansInference.Grains.Batching;

/// <summary>Runs formed batches for a <see cref="DynamicBatcher{TRequest, TResponse}"/>.</summary>
public interface IBatchExecutor<TRequest, TResponse>
{
    /// <summary>
    /// Runs one batch and completes each item with <see cref="BatchItem{TRequest, TResponse}.Complete"/> or
    /// <see cref="BatchItem{TRequest, TResponse}.Fail"/>. At most one call per instance runs at a time. An exception fails
    /// every item not yet completed with ModelFailure; items left uncompleted on return are failed too.
    /// </summary>
    /// <param name="batch">The batch; valid only until the returned task completes.</param>
    /// <param name="instance">Which executor instance (0 to Instances − 1) runs it, for example which session.</param>
    /// <param name="cancellationToken">Fires only when a drain is abandoned; a graceful drain lets batches finish.</param>
    ValueTask ExecuteAsync(Batch<TRequest, TResponse> batch, int instance, CancellationToken cancellationToken);
}
