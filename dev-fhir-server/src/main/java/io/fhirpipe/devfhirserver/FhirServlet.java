package io.fhirpipe.devfhirserver;

import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.springframework.context.ApplicationContext;

/**
 * The FHIR REST endpoint: HAPI's {@link RestfulServer} with the JPA resource providers, the system
 * provider (transactions, {@code $export} at system level via the export provider) and
 * {@link BulkDataExportProvider} for system, Patient and Group {@code $export}.
 */
final class FhirServlet {

    private FhirServlet() {}

    static RestfulServer create(ApplicationContext spring) {
        FhirContext fhirContext = spring.getBean(FhirContext.class);
        RestfulServer server = new RestfulServer(fhirContext);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        ResourceProviderFactory resourceProviders =
                spring.getBean("myResourceProvidersR4", ResourceProviderFactory.class);
        server.registerProviders(resourceProviders.createProviders());
        server.registerProvider(spring.getBean(JpaSystemProvider.class));
        server.registerProvider(spring.getBean(BulkDataExportProvider.class));
        server.setPagingProvider(spring.getBean(DatabaseBackedPagingProvider.class));
        server.setServerConformanceProvider(new JpaCapabilityStatementProvider(
                server,
                spring.getBean(IFhirSystemDao.class),
                spring.getBean(JpaStorageSettings.class),
                spring.getBean(ISearchParamRegistry.class),
                spring.getBean(IValidationSupport.class)));
        return server;
    }
}
