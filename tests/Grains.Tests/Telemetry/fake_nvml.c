/* A stand-in for NVIDIA's libnvidia-ml.so.1 with the calls GpuMetrics makes: two GPUs with fixed readings, so the
   binding's entry points, argument order and struct layouts are checked on a host without a GPU. */
#include <stdint.h>

typedef struct { unsigned int gpu; unsigned int memory; } nvmlUtilization_t;
typedef struct { unsigned long long total; unsigned long long free; unsigned long long used; } nvmlMemory_t;

static int initialized = 0;
static int shutdowns = 0;

int nvmlInit_v2(void) { initialized = 1; return 0; }
int nvmlShutdown(void) { initialized = 0; shutdowns++; return 0; }
int fake_nvml_shutdowns(void) { return shutdowns; }

int nvmlDeviceGetCount_v2(unsigned int *count) { if (!initialized) return 1; *count = 2; return 0; }

int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void **device)
{
    if (!initialized) return 1;
    if (index >= 2) return 2; /* NVML_ERROR_INVALID_ARGUMENT */
    *device = (void *)(uintptr_t)(index + 100);
    return 0;
}

int nvmlDeviceGetUtilizationRates(void *device, nvmlUtilization_t *utilization)
{
    uintptr_t id = (uintptr_t)device;
    if (id != 100 && id != 101) return 2;
    utilization->gpu = id == 100 ? 37 : 90;
    utilization->memory = 12;
    return 0;
}

int nvmlDeviceGetMemoryInfo(void *device, nvmlMemory_t *memory)
{
    uintptr_t id = (uintptr_t)device;
    if (id != 100 && id != 101) return 2;
    memory->total = 80ULL << 30;
    memory->used = (id - 99) << 30; /* 1 GiB on device 0, 2 GiB on device 1 */
    memory->free = memory->total - memory->used;
    return 0;
}
