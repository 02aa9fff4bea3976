package io.fhirpipe.exporttrigger.security;

import io.fhirpipe.exporttrigger.TriggerTestStack;
import io.fhirpipe.testsupport.security.LocalBindingContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Outside the servicebus profile: no token is asked for, and only this machine reaches the API. */
@QuarkusTest
@QuarkusTestResource(value = TriggerTestStack.class, restrictToAnnotatedClass = false)
class LocalBindingTest extends LocalBindingContract {

    @Override
    protected String adminPath() {
        return "/jobs";
    }
}
