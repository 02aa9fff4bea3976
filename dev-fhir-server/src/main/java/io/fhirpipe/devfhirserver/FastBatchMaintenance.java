package io.fhirpipe.devfhirserver;

import ca.uhn.fhir.batch2.maintenance.JobMaintenanceServiceImpl;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Shortens the interval of HAPI's batch job maintenance pass. Each step of a Bulk Data export only
 * advances when that pass runs, once a minute by default, so an export took about 3 minutes; at 1 s
 * it takes seconds. The interval is read when the scheduler registers the job, which happens after
 * bean initialisation, so setting it before initialisation is enough.
 */
final class FastBatchMaintenance implements BeanPostProcessor {

    private final long intervalMillis;

    FastBatchMaintenance(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof JobMaintenanceServiceImpl maintenance) {
            maintenance.setScheduledJobFrequencyMillis(intervalMillis);
        }
        return bean;
    }
}
