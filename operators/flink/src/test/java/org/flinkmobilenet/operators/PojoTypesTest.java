package org.flinkmobilenet.operators;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What travels between operators is serialized by Flink's POJO serializer, never by Kryo. */
class PojoTypesTest {

    @ParameterizedTest
    @ValueSource(classes = {RawFrame.class, Frame.class, Label.class, DeadLetter.class})
    void isAPojoWithoutGenericFields(Class<?> type) {
        assertNoGenericType(TypeInformation.of(type), type.getSimpleName());
    }

    private static void assertNoGenericType(TypeInformation<?> info, String path) {
        assertFalse(info instanceof GenericTypeInfo, path + " would be serialized with Kryo: " + info);
        if (path.indexOf('.') < 0) {
            assertInstanceOf(PojoTypeInfo.class, info, path);
        }
        if (info instanceof PojoTypeInfo<?> pojo) {
            for (int i = 0; i < pojo.getArity(); i++) {
                assertNoGenericType(pojo.getPojoFieldAt(i).getTypeInformation(),
                        path + "." + pojo.getPojoFieldAt(i).getField().getName());
            }
        }
    }
}
